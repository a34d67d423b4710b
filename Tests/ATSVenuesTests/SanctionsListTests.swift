import Testing

@testable import ATSVenues

/// The sanctions list's file format and matching, by hand.
@Suite struct SanctionsListTests {
    let text = """
        kind,value,name,program,listed_on,source
        name,"Karamazov, Viktor Petrov",Viktor Petrov Karamazov,SDN,2024-03-11,sample
        wallet,0x8589427373D6D84E98730D7795D8f6f8731FDA16,Mixer,CYBER2,2022-08-08,sample

        """

    @Test func namesMatchWhateverTheirCasePunctuationAndWordOrder() throws {
        let list = try SanctionsList(text, file: "s.csv")
        #expect(list.entries.count == 2)
        for name in ["Viktor Petrov Karamazov", "KARAMAZOV, Viktor  Petrov", "viktor-petrov karamazov"] {
            #expect(list.screen(name: name, wallets: [:])?.entry.program == "SDN", "\(name)")
        }
        #expect(list.screen(name: "Viktor Karamazov", wallets: [:]) == nil)
        #expect(list.screen(name: "Alice Park", wallets: [:]) == nil)
    }

    @Test func walletsMatchWhateverTheirCase() throws {
        let list = try SanctionsList(text, file: "s.csv")
        let hit = list.screen(name: "Alice Park", wallets: ["polygon": "0x8589427373d6d84e98730d7795d8f6f8731fda16"])
        #expect(hit?.matched == "wallet 0x8589427373d6d84e98730d7795d8f6f8731fda16 on polygon")
        #expect(hit?.description.contains("CYBER2") == true)
        #expect(
            list.screen(name: "Alice Park", wallets: ["ethereum": "0x8589427373D6D84E98730D7795D8f6f8731FDA17"]) == nil)
    }

    @Test func aMalformedFileNamesItsLine() {
        #expect(throws: ConfigurationError.self) { try SanctionsList("kind,value\nname,x", file: "s.csv") }
        for (body, key) in [
            ("name,x,y,z,w", "line 2"), ("person,x,y,z,w,v", "line 2, kind"), ("name, ,y,z,w,v", "line 2, value"),
        ] {
            do {
                _ = try SanctionsList(SanctionsList.header.joined(separator: ",") + "\n" + body, file: "s.csv")
                Issue.record("\(body) was read")
            } catch {
                #expect(error.key == key && error.file == "s.csv", "\(error)")
            }
        }
    }

    @Test func theShippedSampleReads() {
        #expect(SanctionsList.bundled.entries.count == 5)
        #expect(SanctionsList.bundled.origin == "bundled:sanctions.csv")
    }
}
