import Testing

@testable import PopstoreServer

/// The read-ahead of RETR: few trips to the thread pool for a client downloading in
/// order, no wasted descriptors for one that picks messages here and there.
@Suite struct MessageReadAheadTests {
    /// Plays a client's RETRs: opens what each miss plans, takes what was opened ahead.
    /// Returns the trips (each trip's batch) and checks every RETR got its own message.
    func play(_ retrs: [Int], count: Int) -> [[Int]] {
        var readAhead = MessageReadAhead<Int>()
        var trips: [[Int]] = []
        for index in retrs {
            if let held = readAhead.take(index) {
                #expect(held == index)
                continue
            }
            let batch = readAhead.plan(miss: index, count: count)
            #expect(batch.first == index, "the message asked for comes first")
            trips.append(batch)
            for opened in batch.dropFirst() { readAhead.keep(opened, at: opened) }
        }
        return trips
    }

    @Test func aSequentialDownloadOpensAheadInGrowingBatches() {
        let trips = play(Array(0..<40), count: 40)
        #expect(trips == [[0, 1], [2, 3, 4], [5, 6, 7, 8, 9], Array(10...18), Array(19...27), Array(28...36), [37, 38, 39]])
        #expect(trips.allSatisfy { $0.count <= 1 + MessageReadAhead<Int>.maximumWindow })
    }

    @Test func randomAccessOpensOnlyWhatIsAskedFor() {
        let trips = play([7, 2, 30, 11], count: 40)
        #expect(trips == [[7, 8], [2], [30], [11]])
    }

    @Test func aDownloadThatTurnsSequentialGrowsAgain() {
        let trips = play([7, 2, 3, 4, 5, 6], count: 40)
        #expect(trips == [[7, 8], [2], [3, 4], [5, 6, 7]])
    }

    @Test func neverPlansPastTheLastMessageNorWhatIsHeld() {
        var readAhead = MessageReadAhead<Int>()
        #expect(readAhead.plan(miss: 4, count: 5) == [4])
        readAhead = MessageReadAhead<Int>()
        readAhead.keep(3, at: 3)
        #expect(readAhead.plan(miss: 2, count: 10) == [2])
    }

    @Test func drainHandsBackWhatNoRETRTook() {
        var readAhead = MessageReadAhead<Int>()
        for index in readAhead.plan(miss: 0, count: 10).dropFirst() { readAhead.keep(index, at: index) }
        #expect(readAhead.drain() == [1])
        #expect(readAhead.heldCount == 0)
        #expect(readAhead.take(1) == nil)
    }
}
