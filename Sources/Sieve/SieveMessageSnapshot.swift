/// The message as it stood before a header edit, for the actions added before that edit.
struct SieveMessageSnapshot {
    /// How many actions the result held when the edit happened.
    var actionCount: Int
    var message: SieveMessage

    /// The message action `index` acts on: the one before the first edit made after it
    /// was added, or `current` when no edit followed it.
    static func message(forAction index: Int, in history: [SieveMessageSnapshot], current: SieveMessage) -> SieveMessage {
        history.first { $0.actionCount > index }?.message ?? current
    }
}
