/// EXPIRE and LOGIN-DELAY (RFC 2449 §6.5, §6.7) as set on an account, a group or the store.
///
/// Each value is looked up in that order, the first one set wins: the account's own,
/// then its group's, then the nearest enclosing group's, then the store's. Both are off
/// unless set somewhere. The expiry is what the bouncer applies; the login delay is
/// enforced at login.
public struct RetrievalPolicy: Sendable, Equatable, Codable {
    /// Days a message may stay; `RetrievalPolicy.never` for NEVER.
    public var expireDays: Int?
    /// Shortest time between two logins of the account.
    public var loginDelaySeconds: Int?

    public static let never = Int.max
    /// A year: a longer login delay is a mistake, not a policy.
    public static let maximumLoginDelaySeconds = 366 * 86_400
    /// Ten years, short of NEVER.
    public static let maximumExpireDays = 3650

    public init(expireDays: Int? = nil, loginDelaySeconds: Int? = nil) {
        self.expireDays = expireDays
        self.loginDelaySeconds = loginDelaySeconds
    }

    /// Fills what this policy leaves unset from `fallback`.
    public func over(_ fallback: RetrievalPolicy) -> RetrievalPolicy {
        RetrievalPolicy(expireDays: expireDays ?? fallback.expireDays, loginDelaySeconds: loginDelaySeconds ?? fallback.loginDelaySeconds)
    }

    public func with(expireDays: Int?) -> RetrievalPolicy? {
        RetrievalPolicy(expireDays: expireDays, loginDelaySeconds: loginDelaySeconds).nilIfEmpty
    }

    public func with(loginDelaySeconds: Int?) -> RetrievalPolicy? {
        RetrievalPolicy(expireDays: expireDays, loginDelaySeconds: loginDelaySeconds).nilIfEmpty
    }

    var nilIfEmpty: RetrievalPolicy? { expireDays == nil && loginDelaySeconds == nil ? nil : self }

    /// A setting as typed at any level: `none` clears it (nil: the next level applies).
    public static func parseExpireSetting(_ raw: String) throws(PopstoreError) -> Int? {
        raw.lowercased() == "none" ? nil : try parseExpire(raw)
    }

    public static func parseLoginDelaySetting(_ raw: String) throws(PopstoreError) -> Int? {
        raw.lowercased() == "none" ? nil : try parseLoginDelay(raw)
    }

    /// Parses `30`, `never` for EXPIRE.
    public static func parseExpire(_ raw: String) throws(PopstoreError) -> Int {
        if raw.lowercased() == "never" { return never }
        guard let days = Int(raw), (0...maximumExpireDays).contains(days) else {
            throw .invalidInput("expire takes 0 to \(maximumExpireDays) days or 'never'")
        }
        return days
    }

    public static func parseLoginDelay(_ raw: String) throws(PopstoreError) -> Int {
        guard let seconds = Int(raw), (0...maximumLoginDelaySeconds).contains(seconds) else {
            throw .invalidInput("login-delay takes 0 to \(maximumLoginDelaySeconds) seconds")
        }
        return seconds
    }
}
