import Foundation
import PopstoreCore
import PopstoreOperations
import Testing

struct SenderRewritingTests {
    private let srs = SenderRewriting(domain: try! DomainName("fwd.example.com"), secret: Array(repeating: 7, count: 32))
    private let day = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aRewrittenSenderComesBackToTheOriginal() {
        let rewritten = srs.forward("Alice@Sender.test", at: day)
        #expect(rewritten.hasPrefix("SRS0="))
        #expect(rewritten.hasSuffix("=Sender.test=Alice@fwd.example.com"))
        #expect(srs.reverse(rewritten, at: day) == "Alice@Sender.test")
        // Receivers may change the letter case of the local part.
        #expect(
            srs.reverse(rewritten.lowercased().replacingOccurrences(of: "@fwd.example.com", with: "@FWD.example.com"), at: day)
                == "alice@sender.test")
    }

    @Test func aForgedOrStaleAddressIsRefused() {
        let rewritten = srs.forward("alice@sender.test", at: day)
        let forged = rewritten.replacingOccurrences(of: "=alice@", with: "=mallory@")
        #expect(srs.reverse(forged, at: day) == nil)
        #expect(srs.reverse(rewritten, at: day.addingTimeInterval(Double(SenderRewriting.maximumAgeDays) * 86_400)) != nil)
        #expect(srs.reverse(rewritten, at: day.addingTimeInterval(Double(SenderRewriting.maximumAgeDays + 1) * 86_400)) == nil)
        let other = SenderRewriting(domain: try! DomainName("fwd.example.com"), secret: Array(repeating: 8, count: 32))
        #expect(other.reverse(rewritten, at: day) == nil, "another secret, another hash")
        #expect(srs.reverse("SRS0=xxxx=AA=sender.test=alice@elsewhere.test", at: day) == nil)
        #expect(srs.reverse("SRS0=broken@fwd.example.com", at: day) == nil)
    }

    @Test func theNullSenderAndLocalSendersStay() {
        #expect(srs.forward("", at: day) == "")
        #expect(srs.forward("bob@fwd.example.com", at: day) == "bob@fwd.example.com")
    }
}
