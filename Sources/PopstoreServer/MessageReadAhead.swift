/// Messages opened ahead of the RETRs that will ask for them: a client that downloads
/// its maildrop asks for 1, 2, 3… in turn, and each trip to the store's thread pool to
/// open one file costs two thread wake-ups, more than the `sendfile` itself for a small
/// message. So a miss opens the message asked for and the next few in the same trip.
///
/// The window grows like the kernel's file read-ahead: it doubles each time the client
/// reads past everything opened ahead (sequential download), up to `maximumWindow`, and
/// drops to nothing when a miss is not the next message (random access, where opening
/// ahead would only waste descriptors).
///
/// Generic over what is held, so the policy is tested without files.
struct MessageReadAhead<Held> {
    /// Named limit: descriptors a session may hold open ahead of its RETRs. With the
    /// server-wide session cap it bounds the process's descriptors; 8 makes a pool trip
    /// rare in a sequential download while staying far below the usual per-process limit.
    static var maximumWindow: Int { 8 }

    private var held: [Int: Held] = [:]
    private var window = 1
    /// The index just past the last batch opened: a miss here means a sequential reader.
    private var frontier: Int?

    init() {}

    /// The message at `index` if it was opened ahead; the caller now owns it.
    mutating func take(_ index: Int) -> Held? {
        held.removeValue(forKey: index)
    }

    /// On a miss at `index` (of `count` messages): the indices to open in one trip, the
    /// one asked for first.
    mutating func plan(miss index: Int, count: Int) -> [Int] {
        if index == frontier {
            window = min(max(1, window * 2), Self.maximumWindow)
        } else if frontier != nil {
            window = 0
        }
        let end = min(count, index + 1 + window)
        let batch = [index] + (index + 1..<end).filter { held[$0] == nil }
        frontier = end
        return batch
    }

    /// Keeps a message opened ahead.
    mutating func keep(_ item: Held, at index: Int) {
        held[index] = item
    }

    /// Hands back everything still held, for closing.
    mutating func drain() -> [Held] {
        defer { held = [:] }
        return Array(held.values)
    }

    var heldCount: Int { held.count }
}
