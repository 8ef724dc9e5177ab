/*
 * The pet form: sign up a pet for a member (pet.create) or edit one
 * (pet.update, only the fields that changed).  Species and sex are choices
 * with wire values; weight is in grams, as the server keeps it.
 */
#include <stdio.h>
#include <string.h>

#include "ui.h"
#include "xmalloc.h"

static const struct choice species_choices[] = {
	{ "dog", N_("Dog") },
	{ "cat", N_("Cat") },
	{ "rabbit", N_("Rabbit") },
	{ "bird", N_("Bird") },
	{ "fish", N_("Fish") },
	{ "reptile", N_("Reptile") },
	{ "small_pet", N_("Small pet") },
	{ "other", N_("Other") },
	{ NULL, NULL }
};

static const struct choice sex_choices[] = {
	{ "unknown", N_("Unknown") },
	{ "male", N_("Male") },
	{ "female", N_("Female") },
	{ NULL, NULL }
};

static const struct field_def pet_fields[] = {
	{ "name", N_("Pet name"), FT_TEXT, 1, NULL, NULL, 0, 0, NULL },
	{ "species", N_("Species"), FT_CHOICE, 1, species_choices,
	    N_("Left/Right to choose"), 0, 0, NULL },
	{ "breed", N_("Breed"), FT_TEXT, 0, NULL, NULL, 0, 0, NULL },
	{ "sex", N_("Sex"), FT_CHOICE, 0, sex_choices, NULL, 0, 0, NULL },
	{ "neutered", N_("Neutered"), FT_BOOL, 0, NULL, NULL, 0, 0, NULL },
	{ "birth_date", N_("Birth date"), FT_DATE, 0, NULL, N_("YYYY-MM-DD"), 0,
	    0, NULL },
	{ "colour", N_("Colour"), FT_TEXT, 0, NULL, NULL, 0, 0, NULL },
	{ "weight_g", N_("Weight (grams)"), FT_NUMBER, 0, NULL,
	    N_("e.g. 4500 for 4.5 kg"), 0, 0,
	    N_("Must be at most 200 kg (200000 g)") },
	{ "microchip", N_("Microchip"), FT_TEXT, 0, NULL, NULL, 0, 0, NULL },
	{ "adopted", N_("Adopted here"), FT_BOOL, 0, NULL, NULL, 0, 0, NULL },
	{ "adoption_date", N_("Adoption date"), FT_DATE, 0, NULL,
	    N_("YYYY-MM-DD"), 0, 0, NULL },
	{ "adoption_source", N_("Adopted from"), FT_TEXT, 0, NULL, NULL, 0, 0, NULL },
	{ "health", N_("Health"), FT_TEXT, 0, NULL,
	    N_("e.g. healthy, allergic"), 0, 0, NULL },
	{ "note", N_("Note"), FT_TEXT, 0, NULL, NULL, 0, 0, NULL },
};
#define PET_NFIELDS	((int)(sizeof pet_fields / sizeof pet_fields[0]))

struct pet_ctx {
	long long	 member_id;
	long long	 pet_id;	/* 0: a new pet */
	form_done_cb	*done;
	void		*arg;
};

const char *
ui_pet_label(const char *field, const char *value)
{
	if (strcmp(field, "species") == 0)
		return choice_label(species_choices, value);
	if (strcmp(field, "sex") == 0)
		return choice_label(sex_choices, value);
	return value;
}

static json_t *
pet_params(struct form *f, void *arg)
{
	struct pet_ctx	*c = arg;
	json_t		*p;

	if (c->pet_id == 0) {
		p = form_json(f, 0);
		json_object_set_new(p, "member_id", json_integer(c->member_id));
		return p;
	}
	p = form_json(f, 1);
	if (json_object_size(p) == 0) {
		json_decref(p);
		ui_msg(f->screen->ui, 0, "%s", _("Nothing changed."));
		return NULL;
	}
	json_object_set_new(p, "id", json_integer(c->pet_id));
	return p;
}

static void
pet_done(struct ui *ui, json_t *res, void *arg)
{
	struct pet_ctx	*c = arg;

	ui_msg(ui, 0, c->pet_id ? _("Pet %s saved.") : _("Pet %s added."),
	    jstr(res, "name"));
	if (c->done != NULL)
		c->done(ui, res, c->arg);
}

void
ui_pet_form(struct ui *ui, long long member_id, json_t *pet,
    form_done_cb *done, void *arg)
{
	struct pet_ctx	*ctx = xcalloc(1, sizeof *ctx);
	char		 title[300];
	struct form	*f;

	ctx->member_id = member_id;
	ctx->pet_id = pet != NULL ? jint(pet, "id") : 0;
	ctx->done = done;
	ctx->arg = arg;
	if (pet != NULL)
		snprintf(title, sizeof title, _("Edit pet %s"), jstr(pet, "name"));
	else
		snprintf(title, sizeof title, "%s", _("New pet"));
	f = form_create(title, pet_fields, PET_NFIELDS);
	f->owned = ctx;
	if (pet != NULL)
		form_load(f, pet);
	form_screen_push(ui, f, ctx->pet_id ? "pet.update" : "pet.create",
	    pet_params, pet_done, ctx);
}
