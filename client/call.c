/*
 * paw call METHOD [JSON]: one call for scripts.  The result goes to standard
 * output as JSON; an error goes to standard error as JSON
 * {code, message, field?} with exit status 1 (2: usage, 3: no connection).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "loop.h"
#include "paw.h"
#include "xmalloc.h"

static void
print_err(const struct client_err *e)
{
	json_t	*j = json_pack("{s:s, s:s}", "code", e->word, "message",
		    e->message);
	char	*s;

	if (e->field[0] != '\0')
		json_object_set_new(j, "field", json_string(e->field));
	if (e->card_no[0] != '\0') {
		json_object_set_new(j, "card_no", json_string(e->card_no));
		json_object_set_new(j, "archived", json_boolean(e->archived));
	}
	s = json_dumps(j, JSON_COMPACT);
	fprintf(stderr, "%s\n", s);
	free(s);
	json_decref(j);
}

/* Password from PAW_PASSWORD or the terminal, without echo. */
static char *
call_password(const char *user)
{
	const char	*env = getenv("PAW_PASSWORD");
	struct termios	 old, raw;
	char		 buf[256];
	FILE		*tty;
	int		 off = 0;

	if (env != NULL)
		return xstrdup(env);
	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return NULL;
	fprintf(tty, _("Password for %s: "), user);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		off = tcsetattr(fileno(tty), TCSAFLUSH, &raw) == 0;
	}
	if (fgets(buf, sizeof buf, tty) == NULL)
		buf[0] = '\0';
	if (off)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	buf[strcspn(buf, "\r\n")] = '\0';
	return xstrdup(buf);
}

/*
 * --batch: one call per standard input line, "METHOD [JSON]", on one
 * connection, up to BATCH_WINDOW calls in flight; one compact JSON line out
 * per call, in input order ({"error": ...} when it fails).  Returns the
 * number of failed calls.
 */
#define BATCH_WINDOW	64

struct batch {
	json_t		*out[BATCH_WINDOW];	/* answers, by sequence % window */
	int		 done[BATCH_WINDOW];
	uint64_t	 next_print, next_send;
	int		 failed;
};

struct batch_slot {
	struct batch	*b;
	uint64_t	 seq;
};

static void
batch_answer(json_t *res, const struct client_err *err, void *arg)
{
	struct batch_slot	*slot = arg;
	struct batch		*b = slot->b;
	size_t			 i = slot->seq % BATCH_WINDOW;

	if (res == NULL) {
		b->out[i] = json_pack("{s:{s:s, s:s}}", "error", "code",
		    err->word, "message", err->message);
		b->failed++;
	} else
		b->out[i] = json_incref(res);
	b->done[i] = 1;
	free(slot);
}

/* Print the answers that are complete, in order. */
static void
batch_flush(struct batch *b)
{
	size_t	 i;
	char	*s;

	while (b->next_print < b->next_send &&
	    b->done[(i = b->next_print % BATCH_WINDOW)]) {
		s = json_dumps(b->out[i], JSON_COMPACT | JSON_ENCODE_ANY);
		printf("%s\n", s);
		free(s);
		json_decref(b->out[i]);
		b->done[i] = 0;
		b->next_print++;
	}
	fflush(stdout);
}

static void
batch_send(struct client *c, struct batch *b, char *line)
{
	struct batch_slot	*slot = calloc(1, sizeof *slot);
	struct client_err	 err = { .code = ERR_BAD_REQUEST };
	json_t			*params = NULL;
	char			*sp;

	slot->b = b;
	slot->seq = b->next_send++;
	if ((sp = strchr(line, ' ')) != NULL) {
		*sp++ = '\0';
		params = json_loads(sp, 0, NULL);
		if (!json_is_object(params)) {
			snprintf(err.word, sizeof err.word, "bad_request");
			snprintf(err.message, sizeof err.message,
			    "params must be a JSON object");
			batch_answer(NULL, &err, slot);
			json_decref(params);
			return;
		}
	}
	client_call_async(c, line, params, batch_answer, slot);
	json_decref(params);
}

static int
stdin_ready(void)
{
	struct pollfd	pfd = { .fd = 0, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

static int
call_batch(struct client *c, struct loop *loop)
{
	struct batch	 b = { 0 };
	char		*line = NULL;
	size_t		 cap = 0;

	for (;;) {
		/* About to wait for input: answer what is in flight first. */
		while (!stdin_ready() && b.next_print < b.next_send) {
			loop_once(loop, 100);
			batch_flush(&b);
		}
		if (getline(&line, &cap, stdin) <= 0)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		while (b.next_send - b.next_print >= BATCH_WINDOW) {
			loop_once(loop, 100);
			batch_flush(&b);
		}
		batch_send(c, &b, line);
		batch_flush(&b);
	}
	while (b.next_print < b.next_send) {
		loop_once(loop, 100);
		batch_flush(&b);
	}
	free(line);
	return b.failed;
}

int
call_main(struct paw_conf *conf, int argc, char **argv, const char *user)
{
	struct loop		*loop;
	struct client		*c;
	struct client_err	 err;
	json_t			*params = NULL, *res, *who;
	json_error_t		 jerr;
	const char		*method;
	char			*pw, *out;
	int			 i = 0, rc = 0, batch = 0;

	/* The global options (--user, --server ...) are main()'s, taken out. */
	while (i < argc && strcmp(argv[i], "--batch") == 0) {
		batch = 1;
		i++;
	}
	if ((batch && i != argc) || (!batch && (i >= argc || argc - i > 2))) {
		fprintf(stderr, _("usage: paw call [--user ID] METHOD [JSON]\n       paw call [--user ID] --batch < CALLS\n"));
		return 2;
	}
	method = batch ? NULL : argv[i];
	if (!batch && i + 1 < argc) {
		params = json_loads(argv[i + 1], JSON_REJECT_DUPLICATES, &jerr);
		if (params == NULL || !json_is_object(params)) {
			fprintf(stderr, "{\"code\":\"bad_request\",\"message\":"
			    "\"params must be a JSON object (line %d column %d)\"}\n",
			    jerr.line, jerr.column);
			json_decref(params);
			return 2;
		}
	}
	if (!conf->have_key || !conf->have_server_key) {
		fprintf(stderr, "{\"code\":\"disconnected\",\"message\":"
		    "\"this device is not enrolled: run paw enroll\"}\n");
		return 3;
	}
	loop = loop_create();
	c = client_create(loop, conf);
	if (client_connect(c, &err) != 0) {
		print_err(&err);
		rc = 3;
		goto out;
	}
	if (user != NULL) {
		if ((pw = call_password(user)) == NULL) {
			fprintf(stderr, "{\"code\":\"unauthenticated\",\"message\":"
			    "\"no password: set PAW_PASSWORD\"}\n");
			rc = 1;
			goto out;
		}
		who = client_login(c, user, pw, &err);
		sodium_memzero(pw, strlen(pw));
		free(pw);
		if (who == NULL) {
			print_err(&err);
			rc = 1;
			goto out;
		}
		json_decref(who);
	}
	if (batch) {
		rc = call_batch(c, loop) > 0;
		if (user != NULL)
			client_logout(c);
		goto out;
	}
	if ((res = client_call(c, method, params, &err)) == NULL) {
		print_err(&err);
		rc = err.code == ERR_DISCONNECTED ? 3 : 1;
		goto out;
	}
	out = json_dumps(res, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY);
	printf("%s\n", out);
	free(out);
	json_decref(res);
	if (user != NULL)
		client_logout(c);
out:
	json_decref(params);
	client_free(c);
	loop_free(loop);
	return rc;
}
