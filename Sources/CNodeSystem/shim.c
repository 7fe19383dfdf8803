#define _GNU_SOURCE
#include "CNodeSystem.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <malloc.h>

int cnode_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int cnode_epoll_add(int epfd, int fd) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.fd = fd;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int cnode_epoll_del(int epfd, int fd) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev);
}

int cnode_epoll_wait(int epfd, cnode_event *events, int capacity, int timeout_ms) {
    struct epoll_event raw[256];
    if (capacity > 256) capacity = 256;
    int n = epoll_wait(epfd, raw, capacity, timeout_ms);
    for (int i = 0; i < n; i++) {
        uint32_t e = raw[i].events;
        events[i].fd = raw[i].data.fd;
        events[i].readable = (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) ? 1 : 0;
        events[i].writable = (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) ? 1 : 0;
        events[i].hangup = (e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) ? 1 : 0;
    }
    return n;
}

int cnode_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

static _Thread_local void *current_loop = NULL;
void cnode_set_current_loop(void *loop) { current_loop = loop; }
void *cnode_current_loop(void) { return current_loop; }

void cnode_set_thread_name(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }

int cnode_inflate_init_gzip(z_stream *stream) {
    memset(stream, 0, sizeof *stream);
    return inflateInit2(stream, 16 + MAX_WBITS);
}

int cnode_deflate_init_gzip(z_stream *stream, int level) {
    memset(stream, 0, sizeof *stream);
    return deflateInit2(stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}

int cnode_accept(int fd, struct sockaddr *address, unsigned int *length) {
    socklen_t len = *length;
    int rc = accept4(fd, address, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *length = len;
    return rc;
}

int cnode_release_free_memory(void) { return malloc_trim(0); }

#if defined(__x86_64__)
#include <cpuid.h>

int cnode_crc32c_available(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    return (c & bit_SSE4_2) != 0;
}

__attribute__((target("sse4.2")))
uint32_t cnode_crc32c(uint32_t state, const void *data, size_t length) {
    const uint8_t *bytes = data;
    uint64_t wide = state;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        wide = __builtin_ia32_crc32di(wide, word);
        bytes += 8;
        length -= 8;
    }
    uint32_t narrow = (uint32_t)wide;
    while (length > 0) {
        narrow = __builtin_ia32_crc32qi(narrow, *bytes);
        bytes += 1;
        length -= 1;
    }
    return narrow;
}
#else
int cnode_crc32c_available(void) { return 0; }
uint32_t cnode_crc32c(uint32_t state, const void *data, size_t length) { (void)data; (void)length; return state; }
#endif
