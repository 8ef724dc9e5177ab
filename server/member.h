/*
 * Members, pets and feedback (C1): the domain layer.  These functions hold
 * the rules and all the SQL; they never see an RPC request.  Text fields of
 * the input structs are NULL when not given.
 */
#ifndef MEMBER_H
#define MEMBER_H

#define CARD_LEN	11

struct member {
	int64_t	id;
	char	card_no[16];
	char	name[128];
	char	phone[24];
	char	birthday[11];
	char	address[400];
	char	gender[8];
	char	branch[ID_MAX];
	int	consent;
	char	tags[800];		/* JSON array */
	char	note[800];
	char	referral_code[12];
	int64_t	archived;		/* epoch, 0 if active */
	char	archive_reason[200];
	int64_t	created;
	int64_t	updated;
};

struct member_in {
	const char	*name, *phone, *birthday, *address, *gender, *branch;
	const char	*note, *card_no, *referral_code;
	const char	*tags;		/* JSON array text */
	int		 consent;	/* -1 when not given */
};

struct pet {
	int64_t	id;
	int64_t	member_id;
	char	name[128];
	char	species[16];
	char	breed[128];
	char	sex[8];
	int	neutered;
	char	birth_date[11];
	char	colour[64];
	int64_t	weight_g;		/* -1 if unknown */
	char	microchip[16];
	int	adopted;
	char	adoption_date[11];
	char	adoption_source[128];
	char	health[400];
	char	photo[256];
	char	note[800];
	int64_t	created;
	int64_t	updated;
};

struct pet_in {
	const char	*name, *species, *breed, *sex, *birth_date, *colour;
	const char	*microchip, *adoption_date, *adoption_source, *health;
	const char	*photo, *note;
	int		 neutered, adopted;	/* -1 when not given */
	int64_t		 weight_g;		/* INT64_MIN when not given */
};

struct feedback {
	int64_t	id;
	char	kind[8];
	char	text[1000];
	char	staff[ID_MAX];
	char	branch[ID_MAX];
	int64_t	created;
};

struct member_page {
	int	limit, offset, include_archived;
	int	total, capped;	/* out: matches counted, 1 if counting stopped */
};

typedef void	member_hit_fn(const struct member *, const char *pets, void *);
typedef void	pet_fn(const struct pet *, void *);
typedef void	feedback_fn(const struct feedback *, void *);

/* member.c */
int64_t	member_create(struct db *, const struct member_in *, struct perr *);
int	member_update(struct db *, int64_t id, const struct member_in *,
	    struct perr *);
int	member_archive(struct db *, int64_t id, const char *reason,
	    struct perr *);
/* Load by id (0) or card number; 0, or -1 with not_found. */
int	member_get(struct db *, int64_t id, const char *card,
	    struct member *, struct perr *);
/* Card, full phone, last four digits, member or pet name. */
int	member_search(struct db *, const char *q, struct member_page *,
	    member_hit_fn *, void *, struct perr *);
/* JSON of a member row for the audit trail (caller frees), NULL if none. */
char	*member_json(struct db *, int64_t id);
/* Mask a phone for lists: 138****5678. */
void	member_mask_phone(const char *phone, char *out, size_t len);
/* Rebuild the search grams of one member (name and pets' names). */
int	member_index(struct db *, int64_t id);
int	feedback_add(struct db *, int64_t member, const char *kind,
	    const char *text, const struct actor *, struct perr *);
int	feedback_list(struct db *, int64_t member, int limit, feedback_fn *,
	    void *);

/* pet.c */
int64_t	pet_create(struct db *, int64_t member, const struct pet_in *,
	    struct perr *);
int	pet_update(struct db *, int64_t id, const struct pet_in *,
	    struct perr *);
int	pet_get(struct db *, int64_t id, struct pet *, struct perr *);
int	pet_list(struct db *, int64_t member, pet_fn *, void *);
char	*pet_json(struct db *, int64_t id);

#endif
