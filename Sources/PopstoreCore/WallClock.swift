import Foundation

/// The source of "now" for everything that records or compares times, injected so
/// tests need no sleeping.
public struct WallClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let system = WallClock(now: { Date() })
}
