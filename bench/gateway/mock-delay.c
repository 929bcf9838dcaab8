/*
 * Warden's copy of the peer bench's mock upstream (../shared/bench/peer-proxy/mock-upstream/mock.c) with one
 * addition: an upstream latency. `mock-delay PORT DELAY_US` answers every POST .../chat/completions DELAY_US
 * microseconds after its request arrived (a timerfd-driven FIFO on the same single-threaded epoll loop, so many
 * requests can wait at once and none costs a thread); DELAY_US 0 behaves as the original. LLM providers answer in
 * hundreds of milliseconds; the original mock in about 0.1 ms, which makes any fixed per-request cost of the gateway
 * look large. Used by bench/gateway/p99-ab.sh (UPSTREAM_DELAY_MS). Original header follows.
 *
 * mock-upstream (C, single-threaded epoll): a cheap OpenAI-compatible upstream
 * for proxy-overhead benchmarks on loopback. Default mock of run.sh because it
 * costs far less CPU per request than the Go (net/http) variant in go/main.go, and
 * on a 2-core box the mock shares the CPU with the proxy and the load generator.
 *
 *   POST .../chat/completions, body has "stream": true -> 200 text/event-stream,
 *        20 chat.completion.chunk events + "data: [DONE]" (one chunked-encoded
 *        write; no inter-chunk delay)
 *   POST .../chat/completions otherwise -> 200 fixed chat.completion JSON
 *   GET /healthz -> 200 ok ; anything else -> 404
 *
 * HTTP/1.1 keep-alive + pipelining, Content-Length and chunked request bodies,
 * Expect: 100-continue, Connection: close. Listens on 127.0.0.1 only.
 * Build: gcc -O2 -o mock-upstream-c mock.c      Run: ./mock-upstream-c [port]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQ (1 << 20) /* 1 MiB request cap */

static const char COMPLETION[] =
    "{\"id\":\"chatcmpl-mock0001\",\"object\":\"chat.completion\",\"created\":1700000000,"
    "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
    "\"assistant\",\"content\":\"Thanks for reaching out. I have noted your request and a "
    "support agent will follow up by email within one business day.\",\"refusal\":null},"
    "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":412,"
    "\"completion_tokens\":27,\"total_tokens\":439},\"system_fingerprint\":\"fp_mock\"}";

static char *json_resp, *sse_resp, *health_resp, *notfound_resp;
static size_t json_len, sse_len, health_len, notfound_len;
static const char CONTINUE100[] = "HTTP/1.1 100 Continue\r\n\r\n";

typedef struct {
    int fd;
    char *in; size_t inlen, incap;
    char *out; size_t outlen, outoff, outcap;
    int sent100;   /* 100-continue already sent for the request at the head of `in` */
    int closing;   /* close after flushing `out` */
    int want_out;  /* EPOLLOUT registered */
    int pending;   /* delayed responses not yet written */
    int dead;      /* closed while responses were pending: freed with the last one */
} conn_t;

static int epfd;
static long delay_us;
static int tfd = -1;
static char timer_tag;

typedef struct pend { conn_t *c; const char *p; size_t n; uint64_t due; struct pend *next; } pend_t;
static pend_t *phead, *ptail;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void arm_timer(void) {
    struct itimerspec it = {0};
    if (phead) {
        it.it_value.tv_sec = phead->due / 1000000000ull;
        it.it_value.tv_nsec = phead->due % 1000000000ull;
    }
    timerfd_settime(tfd, TFD_TIMER_ABSTIME, &it, NULL);
}

static char *xsprintf_build(size_t *len, const char *ctype, const char *body, size_t blen) {
    char *buf = malloc(blen + 512);
    int n = sprintf(buf,
                    "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                    "x-request-id: req_mock\r\n\r\n", ctype, blen);
    memcpy(buf + n, body, blen);
    *len = n + blen;
    return buf;
}

static void build_responses(void) {
    json_resp = xsprintf_build(&json_len, "application/json", COMPLETION, sizeof(COMPLETION) - 1);
    health_resp = xsprintf_build(&health_len, "text/plain", "ok", 2);
    static const char nf[] = "{\"error\":{\"message\":\"not found\"}}";
    notfound_resp = malloc(256);
    notfound_len = sprintf(notfound_resp,
                           "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                           "Content-Length: %zu\r\n\r\n%s", sizeof(nf) - 1, nf);
    static const char *words[] = {"Thanks", " for", " reaching", " out.", " I", " have", " noted",
                                  " your", " request", " and", " a", " support", " agent", " will",
                                  " follow", " up", " by", " email", " shortly", "."};
    size_t cap = 16384, len = 0;
    char *b = malloc(cap);
    len += sprintf(b, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                      "Cache-Control: no-cache\r\nx-request-id: req_mock\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n");
    char ev[1024];
    for (int i = 0; i <= 20; i++) {
        int n;
        if (i < 20)
            n = sprintf(ev,
                        "data: {\"id\":\"chatcmpl-mock0001\",\"object\":\"chat.completion.chunk\","
                        "\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\","
                        "\"system_fingerprint\":\"fp_mock\",\"choices\":[{\"index\":0,\"delta\":"
                        "{\"content\":\"%s\"},\"logprobs\":null,\"finish_reason\":%s}]}\n\n",
                        words[i], i == 19 ? "\"stop\"" : "null");
        else
            n = sprintf(ev, "data: [DONE]\n\n");
        len += sprintf(b + len, "%x\r\n", n);
        memcpy(b + len, ev, n);
        len += n;
        memcpy(b + len, "\r\n", 2);
        len += 2;
    }
    memcpy(b + len, "0\r\n\r\n", 5);
    len += 5;
    sse_resp = b;
    sse_len = len;
}

static void out_append(conn_t *c, const char *p, size_t n) {
    if (c->outlen + n > c->outcap) {
        size_t cap = c->outcap ? c->outcap : 8192;
        while (cap < c->outlen + n) cap *= 2;
        c->out = realloc(c->out, cap);
        c->outcap = cap;
    }
    memcpy(c->out + c->outlen, p, n);
    c->outlen += n;
}

/* a completion: now, or DELAY_US after the request arrived (FIFO: every entry waits the same delay) */
static void respond(conn_t *c, const char *p, size_t n) {
    if (delay_us <= 0) { out_append(c, p, n); return; }
    pend_t *e = malloc(sizeof *e);
    *e = (pend_t){c, p, n, now_ns() + (uint64_t)delay_us * 1000ull, NULL};
    c->pending++;
    if (ptail) ptail->next = e; else { phead = e; arm_timer(); }
    ptail = e;
}

/* case-insensitive search for header `name` inside [h, h+hlen); returns value ptr or NULL */
static const char *find_header(const char *h, size_t hlen, const char *name, size_t *vlen) {
    size_t nl = strlen(name);
    const char *p = h, *end = h + hlen;
    while (p < end) {
        const char *eol = memmem(p, end - p, "\r\n", 2);
        if (!eol) eol = end;
        if ((size_t)(eol - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
            const char *v = p + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
            *vlen = ve - v;
            return v;
        }
        p = eol + 2;
    }
    return NULL;
}

static int body_wants_stream(const char *b, size_t n) {
    const char *p = b, *end = b + n;
    while ((p = memmem(p, end - p, "\"stream\"", 8)) != NULL) {
        p += 8;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
        if (p < end && *p == ':') {
            p++;
            while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
            if (end - p >= 4 && memcmp(p, "true", 4) == 0) return 1;
        }
    }
    return 0;
}

/* Decode a chunked body starting at `s` (len n) in place into `dst`.
 * Returns bytes consumed from s (incl. trailers), 0 if incomplete, -1 on error. */
static long parse_chunked(const char *s, size_t n, char *dst, size_t *dlen) {
    size_t pos = 0;
    *dlen = 0;
    for (;;) {
        const char *eol = memmem(s + pos, n - pos, "\r\n", 2);
        if (!eol) return 0;
        char *ep;
        unsigned long sz = strtoul(s + pos, &ep, 16);
        if (ep == s + pos) return -1;
        pos = (eol - s) + 2;
        if (sz == 0) { /* trailers until empty line */
            for (;;) {
                const char *e2 = memmem(s + pos, n - pos, "\r\n", 2);
                if (!e2) return 0;
                if (e2 == s + pos) return (long)(pos + 2);
                pos = (e2 - s) + 2;
            }
        }
        if (n - pos < sz + 2) return 0;
        if (s[pos + sz] != '\r' || s[pos + sz + 1] != '\n') return -1;
        if (dst) memcpy(dst + *dlen, s + pos, sz);
        *dlen += sz;
        pos += sz + 2;
    }
}

static void conn_close(conn_t *c) {
    if (c->dead) return;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (c->pending > 0) { c->dead = 1; return; }
    free(c->in);
    free(c->out);
    free(c);
}

/* Parse as many complete requests from c->in as possible; returns -1 on protocol error */
static int process_input(conn_t *c) {
    while (c->inlen > 0 && !c->closing) {
        char *hend = memmem(c->in, c->inlen, "\r\n\r\n", 4);
        if (!hend) return c->inlen > 65536 ? -1 : 0;
        size_t hlen = hend - c->in + 4;
        const char *sp1 = memchr(c->in, ' ', hlen);
        if (!sp1) return -1;
        const char *sp2 = memchr(sp1 + 1, ' ', hlen - (sp1 + 1 - c->in));
        if (!sp2) return -1;
        const char *eol = memmem(c->in, hlen, "\r\n", 2);
        int http10 = (eol - sp2 > 8 && memcmp(sp2 + 1, "HTTP/1.0", 8) == 0);
        size_t vlen;
        const char *v;
        int keepalive = !http10;
        if ((v = find_header(eol + 2, hlen - (eol + 2 - c->in), "Connection", &vlen))) {
            if (vlen == 5 && strncasecmp(v, "close", 5) == 0) keepalive = 0;
            if (vlen == 10 && strncasecmp(v, "keep-alive", 10) == 0) keepalive = 1;
        }
        int chunked = 0;
        size_t clen = 0;
        if ((v = find_header(eol + 2, hlen - (eol + 2 - c->in), "Transfer-Encoding", &vlen)) &&
            vlen >= 7 && strncasecmp(v + vlen - 7, "chunked", 7) == 0)
            chunked = 1;
        else if ((v = find_header(eol + 2, hlen - (eol + 2 - c->in), "Content-Length", &vlen)))
            clen = strtoul(v, NULL, 10);
        if (clen > MAX_REQ) return -1;

        const char *body = c->in + hlen;
        size_t avail = c->inlen - hlen, consumed, blen;
        char *decoded = NULL;
        if (chunked) {
            long r = parse_chunked(body, avail, NULL, &blen);
            if (r < 0) return -1;
            if (r == 0) goto need_more;
            decoded = malloc(blen + 1);
            parse_chunked(body, avail, decoded, &blen);
            consumed = hlen + r;
            body = decoded;
        } else {
            if (avail < clen) goto need_more;
            blen = clen;
            consumed = hlen + clen;
        }

        /* route */
        size_t mlen = sp1 - c->in, plen = sp2 - sp1 - 1;
        const char *path = sp1 + 1;
        const char *q = memchr(path, '?', plen);
        if (q) plen = q - path;
        static const char suffix[] = "/chat/completions";
        if (mlen == 4 && memcmp(c->in, "POST", 4) == 0 && plen >= sizeof(suffix) - 1 &&
            memcmp(path + plen - (sizeof(suffix) - 1), suffix, sizeof(suffix) - 1) == 0) {
            if (body_wants_stream(body, blen))
                respond(c, sse_resp, sse_len);
            else
                respond(c, json_resp, json_len);
        } else if (mlen == 3 && memcmp(c->in, "GET", 3) == 0 && plen == 8 && memcmp(path, "/healthz", 8) == 0) {
            out_append(c, health_resp, health_len);
        } else {
            out_append(c, notfound_resp, notfound_len);
        }
        free(decoded);
        if (!keepalive) c->closing = 1;
        memmove(c->in, c->in + consumed, c->inlen - consumed);
        c->inlen -= consumed;
        c->sent100 = 0;
        continue;

    need_more:
        if (!c->sent100 && (v = find_header(eol + 2, hlen - (eol + 2 - c->in), "Expect", &vlen)) &&
            vlen == 12 && strncasecmp(v, "100-continue", 12) == 0) {
            out_append(c, CONTINUE100, sizeof(CONTINUE100) - 1);
            c->sent100 = 1;
        }
        if (hlen + clen > MAX_REQ + 65536 || c->inlen > MAX_REQ + 65536) return -1;
        return 0;
    }
    return 0;
}

/* returns -1 if the connection must be closed */
static int flush_out(conn_t *c) {
    while (c->outoff < c->outlen) {
        ssize_t w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR) continue;
            return -1;
        }
        c->outoff += w;
    }
    if (c->outoff == c->outlen) {
        c->outoff = c->outlen = 0;
        if (c->closing && c->pending == 0) return -1;
        if (c->want_out) {
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
            epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
            c->want_out = 0;
        }
    } else if (!c->want_out) {
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
        epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 9100;
    delay_us = argc > 2 ? atol(argv[2]) : 0;
    signal(SIGPIPE, SIG_IGN);
    build_responses();
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) {
        perror("bind/listen");
        return 1;
    }
    epfd = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, ls, &lev);
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct epoll_event tev = {.events = EPOLLIN, .data.ptr = &timer_tag};
    epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &tev);
    fprintf(stderr, "mock-delay listening on http://127.0.0.1:%d, completions delayed %ld us\n", port, delay_us);
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(epfd, evs, 256, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL) {
                for (;;) {
                    int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
                    if (fd < 0) break;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *c = calloc(1, sizeof *c);
                    c->fd = fd;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if (evs[i].data.ptr == &timer_tag) {
                uint64_t ticks;
                if (read(tfd, &ticks, sizeof ticks) < 0) { /* spurious wake-up */ }
                uint64_t t = now_ns();
                while (phead && phead->due <= t) {
                    pend_t *e = phead;
                    phead = e->next;
                    if (!phead) ptail = NULL;
                    conn_t *pc = e->c;
                    pc->pending--;
                    if (pc->dead) {
                        if (pc->pending == 0) { free(pc->in); free(pc->out); free(pc); }
                    } else {
                        out_append(pc, e->p, e->n);
                        if (flush_out(pc) < 0) conn_close(pc);
                    }
                    free(e);
                }
                arm_timer();
                continue;
            }
            conn_t *c = evs[i].data.ptr;
            int dead = 0;
            if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                for (;;) {
                    if (c->incap - c->inlen < 4096) {
                        c->incap = c->incap ? c->incap * 2 : 8192;
                        c->in = realloc(c->in, c->incap);
                    }
                    ssize_t r = recv(c->fd, c->in + c->inlen, c->incap - c->inlen, 0);
                    if (r > 0) { c->inlen += r; continue; }
                    if (r == 0) { dead = 1; break; }
                    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                    if (errno == EINTR) continue;
                    dead = 1;
                    break;
                }
                if (process_input(c) < 0) dead = 1;
            }
            if (!dead && flush_out(c) < 0) dead = 1;
            else if (dead && c->outlen > c->outoff) flush_out(c); /* best effort */
            if (dead) conn_close(c);
        }
    }
}
