/*
 * A small single-threaded event loop in the shape of redis ae.h: file
 * descriptors watched with epoll, one-shot timers, a before-sleep hook.
 * Descriptors epoll cannot watch (regular files) are treated as always ready.
 * A loop belongs to one thread; other threads reach it with loop_post().
 */
#ifndef LOOP_H
#define LOOP_H

#include <stdint.h>

#define LOOP_READ	0x1
#define LOOP_WRITE	0x2

struct loop;
typedef void loop_fd_cb(int fd, int events, void *arg);
typedef void loop_timer_cb(void *arg);
typedef void loop_hook_cb(void *arg);

struct loop	*loop_create(void);
void		 loop_free(struct loop *);
/* Watch fd for mask; cb is called with the events that happened. 0 or -1. */
int		 loop_add_fd(struct loop *, int fd, int mask, loop_fd_cb *, void *);
/* Change what fd is watched for. */
int		 loop_set_fd(struct loop *, int fd, int mask);
void		 loop_del_fd(struct loop *, int fd);
/* Call cb once after ms milliseconds; returns an id for loop_del_timer. */
uint64_t	 loop_add_timer(struct loop *, int64_t ms, loop_timer_cb *, void *);
void		 loop_del_timer(struct loop *, uint64_t id);
void		 loop_set_before_sleep(struct loop *, loop_hook_cb *, void *);

/*
 * Work put off until the loop is about to wait: a channel's records are
 * written once per turn of the loop, however many were sent in it.  The
 * owner embeds the struct and takes it back with loop_undefer() before
 * freeing it.
 */
struct loop_defer {
	struct loop_defer	*next;
	loop_hook_cb		*cb;
	void			*arg;
	int			 queued;
};
/* Call d->cb(d->arg) once before the loop next waits (no-op if queued). */
void		 loop_defer(struct loop *, struct loop_defer *);
/*
 * Call d->cb(d->arg) once in the next turn, after that turn's descriptor
 * events, without waiting: work left over when a peer used up its share
 * of a turn, so that every peer gets its turn before anyone's next one.
 */
void		 loop_soon(struct loop *, struct loop_defer *);
/* Take d back from loop_defer() or loop_soon(). */
void		 loop_undefer(struct loop *, struct loop_defer *);
/*
 * From any thread: call cb(arg) on the loop's thread, soon, after what was
 * posted before.  What is still posted when the loop is freed never runs.
 */
void		 loop_post(struct loop *, loop_hook_cb *, void *);
/* On the loop's thread: run what is posted now (the loop does, each turn). */
void		 loop_run_posted(struct loop *);
/* Wait at most max_ms (-1: until something happens) and dispatch once. */
void		 loop_once(struct loop *, int64_t max_ms);
/* Run until loop_stop(). */
void		 loop_run(struct loop *);
void		 loop_stop(struct loop *);

#endif
