import ATSDomain
import Foundation

extension VenueDefinition {
    /// The venue's local weekday and time of day at `time`.
    public func localTime(at time: Timestamp) -> (weekday: Weekday, time: LocalTime) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 0)!
        let date = Date(timeIntervalSince1970: Double(time.nanosecondsSinceEpoch / 1_000_000_000))
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let weekday = Weekday.allCases[(parts.weekday ?? 1) - 1]
        return (weekday, LocalTime(hour: parts.hour ?? 0, minute: parts.minute ?? 0))
    }

    /// The session open at `time`, or nil when the venue is closed; a venue with no sessions is
    /// always open (its session is called `OPEN`).
    public func session(at time: Timestamp) -> Session? {
        guard !sessions.isEmpty else {
            return Session(
                name: "OPEN", start: LocalTime(hour: 0, minute: 0), end: LocalTime(hour: 24, minute: 0),
                days: Weekday.allCases)
        }
        let (weekday, local) = localTime(at: time)
        return sessions.first { $0.days.contains(weekday) && $0.start <= local && local < $0.end }
    }

    /// Whether an auction is scheduled at `time`'s minute (call-auction venues only).
    public func isAuctionMinute(_ time: Timestamp) -> Bool {
        guard let schedule = matching.auction else { return false }
        let (weekday, local) = localTime(at: time)
        guard sessions.contains(where: { $0.days.contains(weekday) }),
            schedule.first <= local, local <= schedule.last
        else { return false }
        return (local.minutesAfterMidnight - schedule.first.minutesAfterMidnight) % schedule.intervalMinutes == 0
    }
}
