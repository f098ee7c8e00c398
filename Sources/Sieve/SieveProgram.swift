/// A compiled script: validated against the capabilities it requires, ready to run on
/// any number of messages. Values are immutable and may be shared across threads.
public struct SieveProgram: Sendable {
    /// The capabilities the script named in `require`, lowercased, in script order.
    public let requiredCapabilities: [String]
    let statements: [SieveStatement]
    let capabilities: SieveCapabilities
}

/// A command with the place it was written, so runtime errors can point at it.
struct SieveStatement: Sendable {
    var command: SieveCommand
    var location: SourceLocation
}

/// One `if`/`elsif` arm.
struct SieveBranch: Sendable {
    var test: SieveTest
    var statements: [SieveStatement]
}

/// The commands this implementation knows, with their arguments checked and typed.
/// - SeeAlso: RFC 5228 §3, §4 and the extension RFCs named on each case.
indirect enum SieveCommand: Sendable {
    /// `if` with its `elsif` arms, and the `else` block if any (RFC 5228 §3.1).
    case conditional([SieveBranch], otherwise: [SieveStatement]?)
    case stop
    /// `keep`, with `:flags` under imap4flags (RFC 5232 §5).
    case keep(flags: [SieveText]?)
    case discard
    /// RFC 5228 §4.2, `:copy` from RFC 3894.
    case redirect(address: SieveText, copy: Bool)
    /// RFC 5228 §4.1, `:copy` (RFC 3894), `:create` (RFC 5490), `:flags` (RFC 5232).
    case fileinto(mailbox: SieveText, copy: Bool, create: Bool, flags: [SieveText]?)
    /// `reject` or `ereject` (RFC 5429).
    case reject(reason: SieveText, extended: Bool)
    /// RFC 5230, `:seconds` from RFC 6131.
    case vacation(SieveVacationCommand)
    /// `set` (RFC 5229 §4).
    case set(name: String, value: SieveText, modifiers: [SieveSetModifier])
    /// `addheader` (RFC 5293 §4).
    case addHeader(name: SieveText, value: SieveText, last: Bool)
    /// `deleteheader` (RFC 5293 §5).
    case deleteHeader(name: SieveText, index: SieveHeaderIndex?, match: SieveMatch?)
    /// `setflag`, `addflag`, `removeflag` (RFC 5232 §3).
    case flags(SieveFlagOperation, variable: String?, flags: [SieveText])
    /// `include` (RFC 6609 §3.2).
    case include(SieveIncludeCommand)
    /// `return` (RFC 6609 §3.4).
    case returnFromInclude
    /// `global` (RFC 6609 §3.3): a declaration, resolved when validating; no run-time effect.
    case global([String])
    /// `error <message>` (RFC 5463 §5): ends the run with an error.
    case error(SieveText)
    /// A command of Pigeonhole's testsuite extension (only under `SieveTestsuite`).
    case testsuite(SieveTestsuiteCommand)
}

/// The arguments of `include` (RFC 6609 §3.2).
struct SieveIncludeCommand: Sendable {
    var name: String
    var location: SieveIncludeLocation
    var once: Bool
    var optional: Bool
}

/// The arguments of `vacation` (RFC 5230 §4, RFC 6131).
struct SieveVacationCommand: Sendable {
    /// The minimum interval between replies to one sender, in seconds.
    var interval: UInt64?
    var intervalIsSeconds: Bool
    var subject: SieveText?
    var from: SieveText?
    var addresses: [SieveText]
    var mime: Bool
    var handle: SieveText?
    var reason: SieveText
}

/// How `set` transforms its value (RFC 5229 §4.1).
enum SieveSetModifier: String, Sendable, CaseIterable {
    case lower, upper, lowerfirst, upperfirst, quotewildcard, length

    /// Modifiers apply from the highest precedence down; two of one precedence conflict.
    var precedence: Int {
        switch self {
        case .lower, .upper: 40
        case .lowerfirst, .upperfirst: 30
        case .quotewildcard: 20
        case .length: 10
        }
    }
}

enum SieveFlagOperation: Sendable {
    case set, add, remove
}

/// `:index` and `:last` (RFC 5260 §6).
struct SieveHeaderIndex: Sendable {
    /// 1-based position among the fields of one name.
    var position: Int
    var fromLast: Bool
}

/// The tests this implementation knows, with their arguments checked and typed.
indirect enum SieveTest: Sendable {
    case `true`
    case `false`
    case not(SieveTest)
    case allOf([SieveTest])
    case anyOf([SieveTest])
    /// RFC 5228 §5.5.
    case exists([SieveText])
    /// RFC 5228 §5.9: `:over` when `over`, `:under` otherwise.
    case size(over: Bool, limit: UInt64)
    /// RFC 5228 §5.7.
    case header(names: [SieveText], index: SieveHeaderIndex?, match: SieveMatch)
    /// RFC 5228 §5.1.
    case address(names: [SieveText], part: SieveAddressPart, index: SieveHeaderIndex?, match: SieveMatch)
    /// RFC 5228 §5.4.
    case envelope(parts: [SieveText], part: SieveAddressPart, match: SieveMatch)
    /// RFC 5173.
    case body(SieveBodyTransform, match: SieveMatch)
    /// `string` (RFC 5229 §5).
    case string(sources: [SieveText], match: SieveMatch)
    /// RFC 5183.
    case environment(name: SieveText, match: SieveMatch)
    /// RFC 7352.
    case duplicate(SieveDuplicateTest)
    /// `hasflag` (RFC 5232 §4).
    case hasFlag(variables: [String], match: SieveMatch)
    /// `mailboxexists` (RFC 5490 §3.1).
    case mailboxExists([SieveText])
    /// RFC 5463: true when every capability is supported.
    case ihave([String])
    /// `date` and `currentdate` (RFC 5260 §4, §5).
    case date(SieveDateTest)
    /// A test of Pigeonhole's testsuite extension (only under `SieveTestsuite`).
    case testsuite(SieveTestsuiteTest)
}

/// The arguments of `date` (a header) or `currentdate` (no header) (RFC 5260 §4, §5).
struct SieveDateTest: Sendable {
    /// Which zone the date parts are shown in (RFC 5260 §4.1).
    enum Zone: Sendable {
        /// The local zone, from `SieveRunContext.now`.
        case local
        /// `:originalzone`: the zone written in the header.
        case original
        /// `:zone "+hhmm"`.
        case fixed(SieveText)
    }

    var header: SieveText?
    var zone: Zone
    var part: SieveText
    var index: SieveHeaderIndex?
    var match: SieveMatch
}

/// `:all`, `:localpart`, `:domain` (RFC 5228 §2.7.4), `:user`, `:detail` (RFC 5233).
enum SieveAddressPart: String, Sendable {
    case all, localpart, domain, user, detail
}

/// What part of the body `body` compares (RFC 5173 §5).
enum SieveBodyTransform: Sendable {
    case raw
    case content([SieveText])
    case text
}

/// The arguments of `duplicate` (RFC 7352 §3).
struct SieveDuplicateTest: Sendable {
    enum Source: Sendable {
        case messageID
        case header(SieveText)
        case uniqueID(SieveText)
    }

    var source: Source
    var handle: SieveText?
    var seconds: UInt64?
    var last: Bool
}
