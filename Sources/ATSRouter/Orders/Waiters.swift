/// Tasks suspended until something about `Key` changes: each is a continuation resumed exactly
/// once, by ``resumeAll(_:)`` when the change comes or by ``resume(_:token:)`` when its own
/// deadline passes. Kept inside an actor, so no lock: no polling and no sleep loop.
struct Waiters<Key: Hashable & Sendable>: Sendable {
    private var waiting: [Key: [(token: UInt64, continuation: CheckedContinuation<Void, Never>)]] = [:]
    private var nextToken: UInt64 = 0

    /// A token for the next waiter, to pass to ``add(_:token:_:)`` and to its deadline.
    mutating func token() -> UInt64 {
        defer { nextToken += 1 }
        return nextToken
    }

    mutating func add(_ key: Key, token: UInt64, _ continuation: CheckedContinuation<Void, Never>) {
        waiting[key, default: []].append((token, continuation))
    }

    /// Resumes every task waiting on `key`.
    mutating func resumeAll(_ key: Key) {
        guard let list = waiting.removeValue(forKey: key) else { return }
        for waiter in list { waiter.continuation.resume() }
    }

    /// Resumes one waiter (its deadline passed); nothing when it was resumed already.
    mutating func resume(_ key: Key, token: UInt64) {
        guard let index = waiting[key]?.firstIndex(where: { $0.token == token }) else { return }
        waiting[key]!.remove(at: index).continuation.resume()
        if waiting[key]!.isEmpty { waiting[key] = nil }
    }

    func isWaiting(on key: Key) -> Bool { waiting[key] != nil }
}
