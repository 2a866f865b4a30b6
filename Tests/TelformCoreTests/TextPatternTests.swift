import Foundation
import XCTest

@testable import TelformCore

/// The small matcher agrees with ICU on every pattern it takes, and leaves the rest to ICU.
final class TextPatternTests: XCTestCase {
    static let patterns = [
        "^[0-9]{3}$", "^[A-Za-z0-9]{20}$", "^\\+?[0-9]{1,20}$", "^[0-9]{10,15}$", "^[0-9]{2,10}$", "^7[0-9]{10}$",
        "^[a-z]{2}_[A-Z]{2}$", "^[0-9]{1,16}$", "^[^@\\s]+@[^@\\s]+$", "^[A-Za-z0-9_.-]+$", "^[0-9]{4,20}$",
        "^[A-Za-z0-9_-]+$", "^[A-Za-z_][A-Za-z0-9_]*$", "^a?b*c+$", "^[^0-9]{2,}$",
        // Matched as a prefix (no `$`).
        "^[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s]*:[^/@\\s]*@", "^[0-9]{2}", "^a?b", "^", "^https?://[^\\s]+$", "^sim://[A-Za-z0-9_-]+$",
    ]
    static let inputs = [
        "", "1", "12", "123", "1234", "+123", "++1", "abcdefghij0123456789", "abcdefghij012345678", "abcdefghij0123456789x",
        "79161234567", "7916123456", "fr_FR", "fr_fr", "a@b", "@b", "a@", "a b@c", "ЯЯ", "Я@b", "név", "abc.mp3", "a-b_c.d",
        "123\n", "123\r\n", "123\n\n", "\n", "bcc", "ac", "c", "abbbccc", "xy", "x1", "_x9", "9x",
        "a\u{0B}@b", "a\u{85}@b", "a\u{A0}@b", "a\u{2003}@b", "a\t@b",
        "https://u:p@host/x", "http://host/a@b", "ftp://:@", "https://host", "https://host\n", "https://ho st", "http:/host",
        "sim://office", "sim://off ice", "sim://", "sim://a\n", "b", "abx", "x://u:Я@h", "1x://u:p@h",
    ]

    func testTheSmallMatcherAgreesWithICU() throws {
        for pattern in Self.patterns {
            let simple = try XCTUnwrap(SimplePattern(pattern), "\(pattern) is simple")
            let icu = try NSRegularExpression(pattern: pattern)
            for input in Self.inputs {
                let expected = icu.firstMatch(in: input, range: NSRange(input.startIndex..., in: input)) != nil
                XCTAssertEqual(simple.matches(input), expected, "\(pattern) on \(input.debugDescription)")
                XCTAssertEqual(TextPattern(pattern).matches(input), expected, "\(pattern) on \(input.debugDescription)")
            }
        }
    }

    /// A URL check reads as its one pattern with alternation did under ICU.
    func testTheAPIURLCheckAgreesWithItsPattern() throws {
        let pattern = try XCTUnwrap(StringCheck.apiURL.pattern)
        let icu = try NSRegularExpression(pattern: pattern)
        for input in Self.inputs {
            let expected = icu.firstMatch(in: input, range: NSRange(input.startIndex..., in: input)) != nil
            XCTAssertEqual(StringCheck.apiURL.reason(input) == nil, expected, input.debugDescription)
        }
        let credentials = try NSRegularExpression(pattern: "^[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s]*:[^/@\\s]*@")
        for input in Self.inputs + ["https://h/?api_key=1", "https://h/x?a=1&token=2", "https://h/?k=1"] {
            let expected =
                credentials.firstMatch(in: input, range: NSRange(input.startIndex..., in: input)) != nil
                || URLText.secretParameter.matches(input)
            XCTAssertEqual(URLText.hasCredentials(input), expected, input.debugDescription)
        }
        XCTAssertTrue(URLText.hasCredentials("https://h/?api_key=1"))
        XCTAssertFalse(URLText.hasCredentials("https://h/?k=1"))
    }

    /// A query parameter is redacted exactly when the credential-parameter pattern matches it.
    func testASecretParameterIsWhatItsPatternMatches() {
        let names = ["", "k", "api_key", "API_KEY", "Token", "x-auth-y", "signature", "pass", "pas", "credentials", "ke y", "a#token", "secret", "sıg"]
        let values = ["", "1", "#x", "a#b", "(x)", " ", "a=b"]
        for name in names {
            for value in values {
                let pair = name + "=" + value
                XCTAssertEqual(
                    URLText.isSecret(name: Substring(name), value: Substring(value)), URLText.secretParameter.matches("?" + pair), pair.debugDescription)
            }
        }
        XCTAssertEqual(
            URLText.redacted("http://h/api/x?skip=0&limit=100&api_key=K1&Token=&sig=s#f"),
            "http://h/api/x?skip=0&limit=100&api_key=(sensitive)&Token=&sig=(sensitive)")
    }

    func testOtherPatternsAreLeftToICU() {
        for pattern in ["(?i)\\.mp3$", "^(a|b)$", "^a.b$", "[0-9]+", "a^", "^a+?$", "^([01][0-9]|2[0-3]):[0-5][0-9]$"] {
            XCTAssertNil(SimplePattern(pattern), pattern)
        }
        XCTAssertTrue(TextPattern("(?i)\\.mp3$").matches("HELLO.MP3"))
        XCTAssertTrue(TextPattern("^([01][0-9]|2[0-3]):[0-5][0-9]$").matches("23:59"))
    }
}
