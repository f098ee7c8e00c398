import Foundation
import PopstoreCore
import PopstoreOperations
import PopstoreStore

/// A store in a new directory under the system's temporary directory, removed when the
/// value goes. Password hashing runs at the lowest cost the store allows, to keep tests fast.
final class TemporaryStore {
    let root: String
    let store: Store

    init() throws {
        root =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("popstore-operations-tests-\(UUID().uuidString)").path
        let created = try Store.create(at: root, defaultDomain: try DomainName("example.com"))
        store = try created.updateSettings { $0.passwordHashCost = StoreSettings.passwordHashCostRange.lowerBound }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    var administrator: Operations { Operations(store: store, caller: .administrator) }

    func manager(_ account: String, _ password: String) throws -> Operations {
        try Operations.asManager(store: store, account: account, password: password)
    }

    /// The profile as stored, read as the administrator.
    func profile(_ account: String) throws -> Profile? {
        try store.profile(administrator.accountID(account))
    }

    /// Every regular file below `directory`, with its contents.
    func files(under directory: String) -> [(path: String, bytes: [UInt8])] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [(String, [UInt8])] = []
        while let relative = walker.nextObject() as? String {
            let path = "\(directory)/\(relative)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            found.append((path, Array(data)))
        }
        return found
    }
}
