import Foundation
import Synchronization

/// A unique path under the temporary directory for one test's files (not created), removed when the test
/// process exits even if the test never got to clean up: test helpers often stop their servers from a detached
/// `Task` in a `defer`, which the process may not wait for.
/// - Parameter prefix: names the owner, e.g. `kosmos-apiserver-test-`.
public func scratchDirectory(_ prefix: String) -> String {
    let path = NSTemporaryDirectory() + prefix + UUID().uuidString
    ScratchDirectories.register(path)
    return path
}

/// The scratch directories of this process, removed by an exit handler installed with the first one.
enum ScratchDirectories {
    private static let paths = Mutex<[String]?>(nil)

    static func register(_ path: String) {
        let first = paths.withLock { paths -> Bool in
            defer { paths = (paths ?? []) + [path] }
            return paths == nil
        }
        if first { atexit { ScratchDirectories.removeAll() } }
    }

    static func removeAll() {
        let all = paths.withLock { paths in
            defer { paths = [] }
            return paths ?? []
        }
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}
