import TiesCore
import TiesStore
import TiesSystem

/// `12000 lines · 34% · 45000 lines/s` on a terminal's stderr, at most ten times a second.
final class ProgressLine {
    private let context: Context
    private let enabled: Bool
    private let started = SystemClock.monotonicNanoseconds()
    private var lastShown: UInt64 = 0
    private var shown = false

    init(context: Context) {
        self.context = context
        enabled = context.console.errorIsTerminal && !context.json
    }

    var elapsedSeconds: Double { Double(SystemClock.monotonicNanoseconds() - started) / 1e9 }

    func update(_ totals: ImportTotals) {
        let now = SystemClock.monotonicNanoseconds()
        guard enabled, now - lastShown > 100_000_000 else { return }
        lastShown = now
        shown = true
        let done = totals.bytesTotal.map { " · \(percent(totals.bytesRead, of: $0)) of \($0) bytes" } ?? ""
        let rate = Int(Double(totals.lines) / max(elapsedSeconds, 0.001))
        context.console.progress("\(totals.lines) lines\(done) · \(rate) lines/s · seq \(totals.lastSeq ?? 0)")
    }

    func finish() {
        if shown { context.console.progress("") }
    }
}
