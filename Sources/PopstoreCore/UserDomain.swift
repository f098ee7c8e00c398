/// A user domain and its DEFAULT account, whose settings new accounts copy.
public struct UserDomain: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public var version: Int = UserDomain.formatVersion
    public var name: DomainName
    public var template: AccountTemplate

    public init(name: DomainName, template: AccountTemplate = AccountTemplate()) {
        self.name = name
        self.template = template
    }
}

/// The settings of a domain's DEFAULT account.
public struct AccountTemplate: Sendable, Equatable, Codable {
    public var quota: Int64?
    public var overdraft: Int64 = 0
    public var flags: AccountFlags = []
    public var group: String?
    public var siteData: String = ""

    public init() {}
}
