#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs work on a brand-new POSIX thread that exits afterwards.
///
/// A network namespace belongs to a thread, not a process: `setns` on a thread that goes back to a pool (Swift
/// concurrency's cooperative pool, NIO's event loops) would leak the namespace into unrelated work. A thread that
/// entered a namespace is therefore never reused.
enum DedicatedThread {
    private final class Box: @unchecked Sendable {
        // Owned by exactly one thread at a time: written before pthread_create, run on the new thread,
        // read after pthread_join (or handed back through a continuation).
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    /// Runs `body` on a new thread and waits for it, returning its result or rethrowing its error.
    static func run<T>(_ body: () throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { escapable in
            var result: Result<T, any Error>?
            try withoutActuallyEscaping({ result = Result { try escapable() } }) { work in
                let box = Box(work)
                let thread = try spawn(box)
                pthread_join(thread, nil)
            }
            return try result!.get()
        }
    }

    /// Runs `body` on a new thread without blocking a cooperative thread while it runs.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let box = Box { continuation.resume(with: Result { try body() }) }
            do {
                let thread = try spawn(box)
                pthread_detach(thread)
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    private static func spawn(_ box: Box) throws -> pthread_t {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(box).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.work()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            throw NetlinkError(
                code: .namespace, operation: "start thread", object: "", errno: Errno(rawValue: rc))
        }
        return thread
    }
}
