/*
 * Patterns that values must match (a phone, a card number), as POSIX
 * extended regular expressions, so the server checks a value with the very
 * text it publishes in system.methods and the client checks it with that
 * text too: one declaration, no second copy to drift.
 */
#ifndef MATCH_H
#define MATCH_H

/*
 * 1 if s, with every character of ignore (NULL: none) dropped, matches the
 * extended regular expression ere; 0 if not, or if ere does not compile.
 * Compiled expressions are kept (thread-safe), keyed by their text.
 */
int	match_pattern(const char *ere, const char *ignore, const char *s);

#endif
