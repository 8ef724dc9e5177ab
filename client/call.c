/*
 * paw call METHOD [JSON]: one call for scripts.  The result goes to standard
 * output as JSON; an error goes to standard error as JSON
 * {code, message, field?} with exit status 1 (2: usage, 3: no connection).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
 * connection; one compact JSON line out per call ({"error": ...} when it
 * fails).  Returns the number of failed calls.
 */
static int
call_batch(struct client *c)
{
	struct client_err	 err;
	json_t			*params, *res, *e;
	json_error_t		 jerr;
	char			*line = NULL, *sp, *out;
	size_t			 cap = 0;
	ssize_t			 n;
	int			 failed = 0;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		params = NULL;
		if ((sp = strchr(line, ' ')) != NULL) {
			*sp++ = '\0';
			params = json_loads(sp, 0, &jerr);
		}
		if (sp != NULL && !json_is_object(params)) {
			res = NULL;
			strcpy(err.word, "bad_request");
			snprintf(err.message, sizeof err.message,
			    "params must be a JSON object");
			err.field[0] = '\0';
		} else
			res = client_call(c, line, params, &err);
		if (res == NULL) {
			e = json_pack("{s:{s:s, s:s}}", "error", "code", err.word,
			    "message", err.message);
			failed++;
		} else
			e = res;
		out = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
		printf("%s\n", out);
		fflush(stdout);
		free(out);
		json_decref(e);
		json_decref(params);
	}
	free(line);
	fflush(stdout);
	return failed;
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

	for (;;) {
		if (i + 1 < argc && strcmp(argv[i], "--user") == 0) {
			user = argv[i + 1];
			i += 2;
		} else if (i < argc && strcmp(argv[i], "--batch") == 0) {
			batch = 1;
			i++;
		} else
			break;
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
		rc = call_batch(c) > 0;
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
