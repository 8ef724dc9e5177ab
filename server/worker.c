/*
 * A small thread pool for work that must not stall the event loop: Argon2id
 * password hashing takes tens of milliseconds.  A finished job is posted back
 * to the loop (loop_post), and its completion callback runs there, so domain
 * code and the database stay on the loop.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "pawd.h"
#include "xmalloc.h"

struct worker {
	struct loop	*loop;
	pthread_t	*threads;
	int		 nthreads;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct job	*queue, *tail;
	int		 busy;		/* submitted, completion not yet run */
	int		 stop;
	int		 nice;
};

struct job {
	struct worker	*w;
	worker_fn	*fn;
	worker_done	*done;
	void		*arg;
	struct job	*next;
};

/* On the loop: the job's completion. */
static void
worker_done_job(void *arg)
{
	struct job	*j = arg;

	j->w->busy--;
	j->done(j->arg);
	free(j);
}

static void *
worker_thread(void *arg)
{
	struct worker	*w = arg;
	struct job	*j;

	/*
	 * On a 2-core till server the hashing threads would otherwise compete
	 * with the event loop for CPU; a nice value on this thread alone (Linux
	 * keeps one per thread) lets requests win.  Failure only costs latency.
	 */
	if (w->nice != 0)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), w->nice);
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->queue == NULL && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stop && w->queue == NULL)
			break;
		j = w->queue;
		if ((w->queue = j->next) == NULL)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		j->fn(j->arg);
		loop_post(w->loop, worker_done_job, j);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct worker *
worker_create(struct loop *loop, int nthreads, int nice)
{
	struct worker	*w = xcalloc(1, sizeof *w);
	int		 i;

	w->loop = loop;
	w->nice = nice;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->threads = xcalloc((size_t)nthreads, sizeof *w->threads);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&w->threads[i], NULL, worker_thread, w) != 0)
			break;
	}
	w->nthreads = i;
	return w;
}

/* Finish the queued jobs and run their completions (on the loop). */
void
worker_free(struct worker *w)
{
	int	i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	loop_run_posted(w->loop);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w->threads);
	free(w);
}

void
worker_submit(struct worker *w, worker_fn *fn, worker_done *done, void *arg)
{
	struct job	*j = xcalloc(1, sizeof *j);

	j->w = w;
	j->fn = fn;
	j->done = done;
	j->arg = arg;
	w->busy++;
	pthread_mutex_lock(&w->lock);
	if (w->tail != NULL)
		w->tail->next = j;
	else
		w->queue = j;
	w->tail = j;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int
worker_ncpu(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

int
worker_busy(struct worker *w)
{
	if (w == NULL)
		return 0;
	return w->busy;
}
