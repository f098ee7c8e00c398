/// A management group: a name and the groups nested directly below it.
public struct ManagementGroup: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public var version: Int = ManagementGroup.formatVersion
    public var name: String
    public var subgroups: [String]
    /// EXPIRE and LOGIN-DELAY for accounts in this group and the groups below it.
    public var retrieval: RetrievalPolicy?

    public init(name: String, subgroups: [String] = []) {
        self.name = name
        self.subgroups = subgroups
    }
}
