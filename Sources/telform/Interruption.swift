import Dispatch
import Foundation
import TelformSimulator

/// Ctrl-C and SIGTERM during an apply: the calls in flight finish, no new one starts, the
/// summary says what was done, and telform exits 130 (SIGINT) or 143 (SIGTERM), as shells
/// expect. A second signal stops at once. Outside an apply the default (an immediate exit)
/// is right: nothing has been changed.
final class Interruption: @unchecked Sendable {
    static let shared = Interruption()

    private let lock = NSLock()
    private var signal: Int32?
    private var sources: [DispatchSourceSignal] = []

    /// The signal received, if any.
    var received: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return signal
    }

    /// The exit status for the signal received: 128 + its number.
    var exitStatus: Int32? { received.map { 128 + $0 } }

    /// From now on, SIGINT and SIGTERM ask the apply to stop after the calls in flight.
    func arm() {
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                let first = signal == nil
                if first { signal = number }
                lock.unlock()
                guard first else {
                    Terminal.message("\nStopped at once; calls that were in flight may or may not have been made: the next plan shows what is left.")
                    Telform.end(128 + number)
                }
                let name = number == SIGINT ? "Interrupted" : "Terminated"
                Terminal.message("\n\(name): finishing the calls in flight, starting no new one (signal again to stop at once).")
            }
            source.resume()
            sources.append(source)
        }
    }
}
