import CNodeSystem
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One epoll instance and the thread that waits on it, bridged to async/await.
///
/// Sockets are registered edge-triggered. A task that got `.wouldBlock` awaits `readable(_:)` or
/// `writable(_:)`; readiness that arrives while nobody waits is remembered, so no wake-up is lost.
/// Guarantees: every waiter is resumed exactly once (readiness, deregistration or task cancellation).
public final class EventLoop: Sendable {
    /// The process-wide loop; one thread is plenty on the machines we target.
    public static let shared: EventLoop = {
        do { return try EventLoop() } catch { fatalError("cannot create the event loop: \(error)") }
    }()

    private struct Registration {
        var readReady = false
        var writeReady = false
        var reader: CheckedContinuation<Void, any Error>?
        var writer: CheckedContinuation<Void, any Error>?
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let table = Mutex<[Int32: Registration]>([:])

    init() throws(SocketError) {
        let epfd = cnode_epoll_create()
        guard epfd >= 0 else { throw .last("epoll_create1") }
        let wake = cnode_eventfd()
        guard wake >= 0 else { throw .last("eventfd") }
        epollFD = epfd
        wakeFD = wake
        _ = cnode_epoll_add(epfd, wake)
        let thread = Thread { [self] in self.run() }
        thread.name = "node-event-loop"
        thread.start()
    }

    /// Starts watching `socket`; call once before waiting on it.
    func register(_ socket: Socket) throws(SocketError) {
        table.withLock { $0[socket.fd] = Registration() }
        guard cnode_epoll_add(epollFD, socket.fd) == 0 else {
            let error = SocketError.last("epoll_ctl(ADD)")
            _ = table.withLock { $0.removeValue(forKey: socket.fd) }
            throw error
        }
    }

    /// Stops watching `socket`; parked waiters get an error. Call before closing the descriptor.
    func deregister(_ socket: Socket) {
        _ = cnode_epoll_del(epollFD, socket.fd)
        let removed = table.withLock { $0.removeValue(forKey: socket.fd) }
        removed?.reader?.resume(throwing: SocketError("wait", errno: EBADF))
        removed?.writer?.resume(throwing: SocketError("wait", errno: EBADF))
    }

    /// Suspends until `socket` may be readable (or hung up).
    func readable(_ socket: Socket) async throws {
        try await wait(socket.fd, forWrite: false)
    }

    /// Suspends until `socket` may be writable.
    func writable(_ socket: Socket) async throws {
        try await wait(socket.fd, forWrite: true)
    }

    private func wait(_ fd: Int32, forWrite: Bool) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = table.withLock { table in
                    guard var registration = table[fd] else { return .failure(SocketError("wait", errno: EBADF)) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if forWrite {
                        if registration.writeReady {
                            registration.writeReady = false
                            table[fd] = registration
                            return .success(())
                        }
                        registration.writer = continuation
                    } else {
                        if registration.readReady {
                            registration.readReady = false
                            table[fd] = registration
                            return .success(())
                        }
                        registration.reader = continuation
                    }
                    table[fd] = registration
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let parked = table.withLock { table -> CheckedContinuation<Void, any Error>? in
                guard var registration = table[fd] else { return nil }
                let taken = forWrite ? registration.writer : registration.reader
                if forWrite { registration.writer = nil } else { registration.reader = nil }
                table[fd] = registration
                return taken
            }
            parked?.resume(throwing: CancellationError())
        }
    }

    private func run() {
        var events = [cnode_event](repeating: cnode_event(), count: 256)
        var toResume: [CheckedContinuation<Void, any Error>] = []
        toResume.reserveCapacity(256)
        while true {
            let n = events.withUnsafeMutableBufferPointer {
                cnode_epoll_wait(epollFD, $0.baseAddress, Int32($0.count), -1)
            }
            if n < 0 {
                if errno == EINTR { continue }
                fatalError("epoll_wait failed: \(SocketError.last("epoll_wait"))")
            }
            table.withLock { table in
                for i in 0..<Int(n) {
                    let event = events[i]
                    if event.fd == wakeFD { continue }
                    guard var registration = table[event.fd] else { continue }
                    if event.readable != 0 {
                        if let reader = registration.reader {
                            toResume.append(reader)
                            registration.reader = nil
                        } else {
                            registration.readReady = true
                        }
                    }
                    if event.writable != 0 {
                        if let writer = registration.writer {
                            toResume.append(writer)
                            registration.writer = nil
                        } else {
                            registration.writeReady = true
                        }
                    }
                    table[event.fd] = registration
                }
            }
            for continuation in toResume { continuation.resume() }
            toResume.removeAll(keepingCapacity: true)
        }
    }
}
