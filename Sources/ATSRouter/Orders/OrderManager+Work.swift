/// Routing started in the background, counted so that a clean shutdown waits for it (bounded).
extension OrderManager {
    func startWork(_ body: @escaping @Sendable () async -> Void) {
        activeWork += 1
        Task {
            await body()
            self.workDone()
        }
    }

    fileprivate func workDone() {
        activeWork -= 1
        if activeWork == 0 { drainWaiters.resumeAll(0) }
    }

    /// Waits (bounded) for routing started by ``start(_:)`` to finish: for a clean shutdown.
    public func drain(timeout: Duration) async {
        guard activeWork > 0 else { return }
        let token = drainWaiters.token()
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.drainWaiters.resume(0, token: token)
        }
        await withCheckedContinuation { drainWaiters.add(0, token: token, $0) }
        timer.cancel()
    }
}
