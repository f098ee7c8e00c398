import PopstoreCore

/// On whose behalf an operation runs.
public enum Caller: Sendable {
    /// The system administrator (the store's owner at the shell): may do everything.
    case administrator
    /// A MANAGE account, authenticated, acting within its scope.
    case manager(Profile)
}
