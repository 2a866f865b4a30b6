import TelformCore

/// MTS Virtual PBX API CRM (api-docs/001, sections 4.4, 4.10-4.12): PLATFORMS.md § vpbx. A
/// client, a directory of the abonents and groups the file names, and two kinds.
public enum VPBXKinds {
    static let kinds: [any Kind<VPBXClient>] = [ScheduleKind(), FindMeRuleKind()]

    public static let platform = PlatformSchema(
        type: "vpbx",
        doc: "MTS Virtual PBX (API CRM): schedules and find-me rules of declared users.",
        settings: [
            PlatformFields.url("Base URL of the API (https://vpbx.mts.ru), or sim://NAME."),
            PlatformFields.secret("token", "API token, sent as the X-AUTH-TOKEN header."),
        ],
        kinds: kinds.map(\.schema),
        checks: [scheduleReferences]
    )

    /// A redirect rule's schedule should be declared for its user or a group; a preset
    /// (`notBeRemoved`) schedule exists live only, so an undeclared one is a warning here and
    /// an error at plan time when it exists nowhere (PLATFORMS.md).
    static let scheduleReferences: ProviderCheck = { context in
        let schedules = context.provider.resources(of: "schedules")
        return context.provider.resources(of: "find_me").compactMap { rule in
            guard let name = rule.fields["schedule"]?.string, let user = rule.fields["user"]?.string,
                let mark = rule.mark(of: "schedule")
            else { return nil }
            let declared = schedules.contains { schedule in
                schedule.address.key.last == name
                    && (schedule.address.key.first == user || schedule.address.key.first?.hasPrefix("group:") == true)
            }
            guard !declared else { return nil }
            // The nearest name among the schedules this user sees in the file, as plan suggests.
            let visible = schedules.filter { $0.address.key.first == user || $0.address.key.first?.hasPrefix("group:") == true }.compactMap(\.address.key.last)
            let hint = Suggestion.closest(to: name, in: visible).map { "; did you mean \"\($0)\"?" } ?? ""
            return Diagnostic(
                .warning, mark, rule.path + ".schedule",
                "schedule \"\(name)\" is not declared for abonent \(user) or a group\(hint) (plan will look for it live, a preset schedule, and fail if it exists nowhere)",
                code: .undeclaredReference
            )
        }
    }
}
