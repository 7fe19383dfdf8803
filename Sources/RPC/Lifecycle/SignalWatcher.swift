import Dispatch
import Foundation
import Synchronization

/// Delivers SIGINT and SIGTERM as an async sequence instead of killing the process.
///
/// Guarantees: while a watcher exists, the watched signals are ignored by default handling and
/// each arrival yields one element.
public final class SignalWatcher: Sendable {
    public let signals: AsyncStream<Int32>
    private let sources: Mutex<[any DispatchSourceSignal]>

    /// Watches SIGINT and SIGTERM.
    public convenience init() { self.init(signals: [SIGINT, SIGTERM]) }

    public init(signals numbers: [Int32]) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        signals = stream
        sources = Mutex(numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        })
    }

    deinit {
        sources.withLock { for source in $0 { source.cancel() } }
    }
}
