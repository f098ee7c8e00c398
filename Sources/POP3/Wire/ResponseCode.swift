/// An extended response code, sent in brackets right after `-ERR` so that a client can
/// tell failures apart without parsing human text.
///
/// - SeeAlso: RFC 2449 §8.1 (`IN-USE`, `LOGIN-DELAY`), RFC 3206 §§3–4 (`SYS/TEMP`,
///   `SYS/PERM`, `AUTH`), RFC 6856 (`UTF8`)
public enum ResponseCode: Sendable, Equatable, CaseIterable {
    /// The maildrop is locked by another session (RFC 2449 §8.1).
    case inUse
    /// The user logged in too recently (RFC 2449 §8.1).
    case loginDelay
    /// A temporary server failure; trying again later may succeed (RFC 3206 §3).
    case sysTemp
    /// A permanent server failure; trying again will not help (RFC 3206 §3).
    case sysPerm
    /// The credentials were wrong, as opposed to a server failure (RFC 3206 §4).
    case auth
    /// The command needs UTF-8 support that has not been enabled (RFC 6856).
    case utf8

    /// The code as written between the brackets.
    public var text: String {
        switch self {
        case .inUse: "IN-USE"
        case .loginDelay: "LOGIN-DELAY"
        case .sysTemp: "SYS/TEMP"
        case .sysPerm: "SYS/PERM"
        case .auth: "AUTH"
        case .utf8: "UTF8"
        }
    }
}
