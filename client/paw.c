/*
 * paw: command line and the device's state under $PAW_HOME:
 *   device.key  the device's X25519 private key (hex, mode 0600)
 *   paw.conf    server=HOST:PORT, server_key=HEX, branch=CODE,
 *               ssh=[USER@]HOST, ssh_command=..., function_keys=auto|yes|no
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "hex.h"
#include "paw.h"
#include "xmalloc.h"

static void
usage(void)
{
	fprintf(stderr, "%s",
	    _("usage: paw [--lang zh_CN|en] [--server HOST:PORT | --ssh [USER@]HOST]\n"
	    "           [--user ID]                open the terminal\n"
	    "       paw call [--user ID] METHOD [JSON]   one call, JSON out\n"
	    "       paw enroll HOST:PORT CODE            enroll with a one-time code\n"
	    "       paw enroll HOST:PORT --server-key HEX  pin the server; print this device's key\n"
	    "       paw pubkey                           print this device's public key\n"
	    "       paw version\n"));
	exit(2);
}

static char *
conf_path(const struct paw_conf *conf, const char *name)
{
	return xasprintf("%s/%s", conf->home, name);
}

/* Read the device key; absence is not an error here. */
static int
conf_read_key(struct paw_conf *conf, char **err)
{
	char	*path = conf_path(conf, "device.key"), line[200];
	FILE	*f = fopen(path, "r");

	if (f == NULL) {
		free(path);
		return 0;
	}
	if (fgets(line, sizeof line, f) == NULL ||
	    (line[strcspn(line, "\r\n")] = '\0',
	    hex_decode(line, conf->key, 32) != 0)) {
		*err = xasprintf(_("%s: damaged device key"), path);
		fclose(f);
		free(path);
		return -1;
	}
	sodium_memzero(line, sizeof line);
	fclose(f);
	free(path);
	conf->have_key = 1;
	return 0;
}

int
conf_load(struct paw_conf *conf, char **err)
{
	char	*path, line[1024], *eq, *v;
	FILE	*f;

	if (conf_read_key(conf, err) != 0)
		return -1;
	path = conf_path(conf, "paw.conf");
	if ((f = fopen(path, "r")) == NULL) {
		free(path);
		return 0;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || (eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		if (strcmp(line, "server") == 0 && conf->server == NULL)
			conf->server = xstrdup(v);
		else if (strcmp(line, "branch") == 0)
			conf->branch = xstrdup(v);
		else if (strcmp(line, "ssh_command") == 0)
			conf->ssh_command = xstrdup(v);
		else if (strcmp(line, "function_keys") == 0)
			conf->fkeys = strcmp(v, "yes") == 0 ? 1 :
			    strcmp(v, "no") == 0 ? 2 : 0;
		else if (strcmp(line, "server_key") == 0) {
			if (hex_decode(v, conf->server_key, 32) == 0)
				conf->have_server_key = 1;
		}
	}
	fclose(f);
	free(path);
	return 0;
}

int
conf_save(const struct paw_conf *conf, char **err)
{
	char	*path, *tmp, hex[65];
	FILE	*f;
	int	 fd;

	if (mkdir(conf->home, 0700) == -1 && errno != EEXIST) {
		*err = xasprintf("%s: %s", conf->home, strerror(errno));
		return -1;
	}
	path = conf_path(conf, "device.key");
	if (conf->have_key && access(path, F_OK) != 0) {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
		    (hex_encode(conf->key, 32, hex), dprintf(fd, "%s\n", hex)) < 0) {
			*err = xasprintf("%s: %s", path, strerror(errno));
			free(path);
			return -1;
		}
		sodium_memzero(hex, sizeof hex);
		close(fd);
	}
	free(path);
	path = conf_path(conf, "paw.conf");
	tmp = xasprintf("%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		*err = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		free(path);
		return -1;
	}
	fprintf(f, "# written by paw enroll\n");
	if (conf->server != NULL)
		fprintf(f, "server=%s\n", conf->server);
	if (conf->have_server_key) {
		hex_encode(conf->server_key, 32, hex);
		fprintf(f, "server_key=%s\n", hex);
	}
	if (conf->branch != NULL)
		fprintf(f, "branch=%s\n", conf->branch);
	if (conf->ssh_command != NULL)
		fprintf(f, "ssh_command=%s\n", conf->ssh_command);
	if (conf->fkeys != 0)
		fprintf(f, "function_keys=%s\n", conf->fkeys == 1 ? "yes" : "no");
	fclose(f);
	rename(tmp, path);
	free(tmp);
	free(path);
	return 0;
}

static void
conf_free(struct paw_conf *conf)
{
	free(conf->home);
	free(conf->server);
	free(conf->ssh);
	free(conf->ssh_command);
	free(conf->branch);
	sodium_memzero(conf->key, sizeof conf->key);
}

/* Choose the language: --lang, else the locale; works without locales installed. */
static void
setup_locale(const char *lang)
{
	const char	*env;

	if (setlocale(LC_ALL, "") == NULL)
		setlocale(LC_ALL, "C.UTF-8");
	if (lang == NULL) {
		if ((env = getenv("LC_ALL")) == NULL || *env == '\0')
			if ((env = getenv("LC_MESSAGES")) == NULL || *env == '\0')
				env = getenv("LANG");
		if (env != NULL && strncmp(env, "zh", 2) == 0)
			lang = "zh_CN";
		else if (env != NULL && strncmp(env, "en", 2) == 0)
			lang = "en";
	}
	if (lang != NULL) {
		/* LANGUAGE wins over the locale for messages, unless it is "C". */
		setenv("LANGUAGE", strncmp(lang, "zh", 2) == 0 ? "zh_CN" : "en", 1);
		if (strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0)
			setlocale(LC_MESSAGES, "C.UTF-8");
	}
	if (strcmp(setlocale(LC_CTYPE, NULL), "C") == 0 ||
	    strcmp(setlocale(LC_CTYPE, NULL), "POSIX") == 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	bindtextdomain("paw", getenv("PAW_LOCALEDIR") ? getenv("PAW_LOCALEDIR") :
	    LOCALEDIR);
	bind_textdomain_codeset("paw", "UTF-8");
	textdomain("paw");
}

static int
cmd_pubkey(struct paw_conf *conf)
{
	uint8_t	pub[32];
	char	hex[65];

	if (!conf->have_key) {
		fprintf(stderr, _("paw: no device key yet: run paw enroll\n"));
		return 1;
	}
	crypto_scalarmult_base(pub, conf->key);
	hex_encode(pub, 32, hex);
	printf("%s\n", hex);
	return 0;
}

/* The options of every command, given before it (or after call). */
struct opts {
	const char	*lang, *user, *home;
};

/* Take the global option at argv[*i] (and its value): 1, or 0 if none. */
static int
global_opt(int argc, char **argv, int *i, struct paw_conf *conf,
    struct opts *o)
{
	const char	*name = argv[*i], *v;

	if (*i + 1 >= argc)
		return 0;
	v = argv[*i + 1];
	if (strcmp(name, "--lang") == 0)
		o->lang = v;
	else if (strcmp(name, "--user") == 0)
		o->user = v;
	else if (strcmp(name, "--home") == 0)
		o->home = v;
	else if (strcmp(name, "--server") == 0) {
		free(conf->server);
		conf->server = xstrdup(v);
	} else if (strcmp(name, "--ssh") == 0) {
		free(conf->ssh);
		conf->ssh = xstrdup(v);
	} else
		return 0;
	(*i)++;
	return 1;
}

/*
 * paw call takes the global options after its name too, up to the method:
 * they are taken out, and the rest (--batch, METHOD, JSON) is left in
 * argv, which call_main() reads from 0 to the returned count.
 */
static int
call_opts(int argc, char **argv, struct paw_conf *conf, struct opts *o)
{
	int	i, n = 0;

	for (i = 0; i < argc; i++) {
		if (global_opt(argc, argv, &i, conf, o))
			continue;
		if (strcmp(argv[i], "--batch") != 0)
			break;
		argv[n++] = argv[i];
	}
	while (i < argc)
		argv[n++] = argv[i++];
	return n;
}

int
main(int argc, char **argv)
{
	struct paw_conf	 conf = { 0 };
	struct opts	 o = { .home = getenv("PAW_HOME") };
	char		*err = NULL;
	int		 i, n = 0, rc = 0;

	for (i = 1; i < argc; i++) {
		if (global_opt(argc, argv, &i, &conf, &o))
			continue;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			usage();
		break;
	}
	if (i < argc && strcmp(argv[i], "call") == 0)
		n = call_opts(argc - i - 1, argv + i + 1, &conf, &o);
	setup_locale(o.lang);
	if (sodium_init() < 0)
		return 1;
	umask(077);
	if (o.home != NULL)
		conf.home = xstrdup(o.home);
	else
		conf.home = xasprintf("%s/.config/paw",
		    getenv("HOME") ? getenv("HOME") : ".");
	if (conf_load(&conf, &err) != 0) {
		fprintf(stderr, "paw: %s\n", err);
		return 1;
	}
	if (i < argc && strcmp(argv[i], "version") == 0)
		printf("paw %s\n", PAW_VERSION);
	else if (i < argc && strcmp(argv[i], "call") == 0)
		rc = call_main(&conf, n, argv + i + 1, o.user);
	else if (i < argc && strcmp(argv[i], "enroll") == 0)
		rc = enroll_main(&conf, argc - i - 1, argv + i + 1);
	else if (i < argc && strcmp(argv[i], "pubkey") == 0)
		rc = cmd_pubkey(&conf);
	else if (i < argc)
		usage();
	else
		rc = ui_main(&conf, o.user);
	conf_free(&conf);
	return rc;
}
