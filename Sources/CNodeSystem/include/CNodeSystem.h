#ifndef CNODESYSTEM_H
#define CNODESYSTEM_H

#include <stdint.h>
#include <stddef.h>
#include <zlib.h>

/// Thin wrappers around epoll: glibc's `struct epoll_event` is packed and
/// does not import into Swift, so the event loop talks to these instead.
int cnode_epoll_create(void);
/// Registers `fd` edge-triggered for input, output and peer hang-up.
int cnode_epoll_add(int epfd, int fd);
int cnode_epoll_del(int epfd, int fd);

/// One readiness report from `cnode_epoll_wait`.
typedef struct {
    int32_t fd;
    uint8_t readable;
    uint8_t writable;
    /// The peer closed its side (or the socket failed): reads reach end of file from now on.
    uint8_t hangup;
} cnode_event;

/// Waits up to `timeout_ms` and fills at most `capacity` events.
int cnode_epoll_wait(int epfd, cnode_event *events, int capacity, int timeout_ms);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC (needs _GNU_SOURCE, hidden from Swift).
struct sockaddr;
int cnode_accept(int fd, struct sockaddr *address, unsigned int *length);

/// eventfd used to wake the loop.
int cnode_eventfd(void);

/// The event loop running on this thread (NULL on other threads), kept in a C thread-local:
/// Swift has no cheap thread-local storage of its own.
void cnode_set_current_loop(void *loop);
void *cnode_current_loop(void);

/// Names the calling thread (15 bytes at most), so profilers and `ps -L` show it.
void cnode_set_thread_name(const char *name);

/// zlib's init macros do not import into Swift.
int cnode_inflate_init_gzip(z_stream *stream);
int cnode_deflate_init_gzip(z_stream *stream, int level);

/// Returns freed heap memory to the system (glibc malloc_trim(0)); 1 if any was released.
int cnode_release_free_memory(void);

/// 1 when the CPU computes CRC-32C itself (x86-64 SSE4.2), else 0.
int cnode_crc32c_available(void);
/// Continues a CRC-32C over `length` bytes with the CPU's instruction; `state` and the result
/// are the raw register (no pre- or post-inversion). Only when `cnode_crc32c_available()`.
uint32_t cnode_crc32c(uint32_t state, const void *data, size_t length);

#endif
