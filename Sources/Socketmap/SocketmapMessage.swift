/// A socketmap request: `name SP key` (socketmap_table(5)).
public struct SocketmapRequest: Sendable, Equatable {
    public var map: String
    public var key: String

    public init(map: String, key: String) {
        self.map = map
        self.key = key
    }

    /// Parses a request payload; nil when it is not `name SP key` in UTF-8 without controls.
    public init?(payload: [UInt8]) {
        guard let space = payload.firstIndex(of: UInt8(ascii: " ")), space > 0, space < payload.count - 1,
            payload.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }),
            let map = String(validating: payload[..<space], as: UTF8.self),
            let key = String(validating: payload[(space + 1)...], as: UTF8.self)
        else { return nil }
        self.init(map: map, key: key)
    }
}

/// A socketmap reply (socketmap_table(5)).
public enum SocketmapReply: Sendable, Equatable {
    /// `OK value`: the key was found.
    case ok(String)
    /// `NOTFOUND `: the key is not in the map.
    case notFound
    /// `TEMP reason`: try again later; `PERM reason`: a configuration problem.
    case temporary(String)
    case permanent(String)

    public var payload: [UInt8] {
        switch self {
        case .ok(let value): return Array("OK \(Self.clean(value))".utf8)
        case .notFound: return Array("NOTFOUND ".utf8)
        case .temporary(let reason): return Array("TEMP \(Self.clean(reason))".utf8)
        case .permanent(let reason): return Array("PERM \(Self.clean(reason))".utf8)
        }
    }

    /// No controls reach Postfix: a value is one line of text.
    private static func clean(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }
}
