//! The one access policy (docs/DOMAIN.md § Roles and scope). Every read and write in lamtheo asks this
//! module; the store turns the same decisions into SQL filters (`MemberScope`, `Principal::unit_prefix`),
//! and tests prove the two agree.
//!
//! A role is granted over a unit and its whole subtree. Subtrees are materialised paths ("/1/5/23/"): unit B
//! is inside A's subtree when B's path starts with A's path.

use crate::model::Role;
use serde::Serialize;

/// The signed-in user, as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// The unit the role is granted over.
    pub unit_id: i64,
    /// That unit's materialised path.
    pub unit_path: String,
    /// The member record the account is linked to (any role: a secretary's account is linked to the
    /// secretary's own record, so the rules that forbid deciding about oneself apply to it).
    pub member_id: Option<i64>,
}

/// Things a user may want to do, independent of the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    ReadUnits,
    WriteUnits,
    ImportUnits,
    ReadMembers,
    WriteMembers,
    ImportMembers,
    ExportMembers,
    ManageAccounts,
    ReadAudit,
    /// Directives, plans, yearly themes.
    ManageCampaign,
    /// Create study sessions and cell meetings, set monthly topics, open check-in.
    ManageMeetings,
    /// Set attendance marks of others.
    MarkAttendance,
    /// Good-practice models: create and edit them, their results and photos, record adoptions.
    ManageModels,
    /// Citizen feedback from the portal: moderate it and answer publicly.
    AnswerFeedback,
    /// Confidential: inspection and supervision cases, their conclusions, discipline decisions.
    ReadInspections,
    /// Open and conclude cases, record discipline decisions and appeals.
    ManageInspections,
    /// Propose (đề nghị) a commendation of members and units of one's subtree.
    ProposeCommendations,
    /// Record commendation decisions issued by a unit of one's subtree, decline proposals.
    DecideCommendations,
    /// Define criteria sets, record recognition decisions and classifications of units.
    ManageCriteria,
    /// Record dated assessments of a unit against a criteria set.
    AssessCriteria,
    /// Write a unit's period report and submit it; set reporting rounds for the sub-units and accept or
    /// return their reports.
    WriteReports,
}

/// Which members a principal may see, for SQL filtering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberScope {
    /// Members whose current unit lies in the subtree with this path prefix.
    Subtree(String),
    /// Exactly one member (a member account sees only its own record).
    Only(i64),
    /// Nothing.
    Nothing,
}

/// Whether `path` lies in the subtree rooted at `root_path` (inclusive).
pub fn in_subtree(root_path: &str, path: &str) -> bool {
    !root_path.is_empty() && path.starts_with(root_path)
}

impl Principal {
    /// Role-level permission, before looking at any object.
    pub fn has(&self, cap: Capability) -> bool {
        use Capability::*;
        match self.role {
            Role::Admin => true,
            Role::Office => true,
            Role::Secretary => matches!(
                cap,
                ReadUnits
                    | ReadMembers
                    | WriteMembers
                    | ImportMembers
                    | ExportMembers
                    | ManageMeetings
                    | MarkAttendance
                    | ManageModels
                    | AnswerFeedback
                    | ProposeCommendations
                    | AssessCriteria
                    | WriteReports
            ),
            Role::Inspector => matches!(
                cap,
                ReadUnits | ReadMembers | ExportMembers | ReadInspections | ManageInspections
            ),
            Role::Member => matches!(cap, ReadUnits | ReadMembers),
        }
    }

    /// Whether a unit with this path is inside the principal's subtree.
    pub fn covers(&self, unit_path: &str) -> bool {
        in_subtree(&self.unit_path, unit_path)
    }

    /// Path prefix every unit query must be restricted to.
    pub fn unit_prefix(&self) -> &str {
        &self.unit_path
    }

    pub fn can_read_unit(&self, unit_path: &str) -> bool {
        self.has(Capability::ReadUnits) && self.covers(unit_path)
    }

    pub fn can_write_unit(&self, unit_path: &str) -> bool {
        self.has(Capability::WriteUnits) && self.covers(unit_path)
    }

    /// The SQL-side form of `can_read_member`.
    pub fn member_scope(&self) -> MemberScope {
        if !self.has(Capability::ReadMembers) {
            return MemberScope::Nothing;
        }
        match self.role {
            Role::Member => match self.member_id {
                Some(id) => MemberScope::Only(id),
                None => MemberScope::Nothing,
            },
            _ => MemberScope::Subtree(self.unit_path.clone()),
        }
    }

    /// May read the member with this id whose current unit has this path.
    pub fn can_read_member(&self, member_id: i64, member_unit_path: &str) -> bool {
        match self.member_scope() {
            MemberScope::Subtree(prefix) => in_subtree(&prefix, member_unit_path),
            MemberScope::Only(id) => id == member_id,
            MemberScope::Nothing => false,
        }
    }

    /// May edit, transfer out of, or change the status of a member in this unit.
    pub fn can_write_member(&self, member_unit_path: &str) -> bool {
        self.has(Capability::WriteMembers) && self.covers(member_unit_path)
    }

    /// May transfer a member from `from_path` to `to_path`: both ends must be in the principal's subtree
    /// (a transfer between two wards is done by the committee above them).
    pub fn can_transfer_member(&self, from_path: &str, to_path: &str) -> bool {
        self.can_write_member(from_path) && self.covers(to_path)
    }

    /// May create an account with `role` over the unit with `unit_path`. A lower role never acts on a
    /// higher one: office staff create only roles below office; only an admin creates admins and office.
    pub fn can_grant(&self, role: Role, unit_path: &str) -> bool {
        if !self.has(Capability::ManageAccounts) || !self.covers(unit_path) {
            return false;
        }
        match self.role {
            Role::Admin => true,
            Role::Office => role < Role::Office,
            _ => false,
        }
    }

    /// May see (and reset the password of) an existing account.
    pub fn can_manage_account(&self, role: Role, unit_path: &str) -> bool {
        self.can_grant(role, unit_path)
    }

    /// May see a meeting held by the unit with `meeting_unit_path`: meetings inside the subtree, and
    /// meetings held above it (they concern the principal's members too). A member account sees the
    /// meetings it is expected at — the store checks that through the attendance row.
    pub fn can_see_meeting(&self, meeting_unit_path: &str) -> bool {
        self.has(Capability::ReadUnits)
            && (self.covers(meeting_unit_path) || in_subtree(meeting_unit_path, &self.unit_path))
    }

    /// May create or edit a meeting held by this unit, and open its check-in.
    pub fn can_manage_meeting(&self, meeting_unit_path: &str) -> bool {
        self.has(Capability::ManageMeetings) && self.covers(meeting_unit_path)
    }

    /// May reopen a closed meeting (khóa sổ) for corrections: the office of a unit above or at it.
    pub fn can_reopen_meeting(&self, meeting_unit_path: &str) -> bool {
        matches!(self.role, Role::Office | Role::Admin) && self.covers(meeting_unit_path)
    }

    /// May set the mark of a member who belonged, on the meeting date, to the unit with this path: a cell
    /// secretary marks only their own cell's members, even at a session held by the ward.
    pub fn can_mark(&self, member_unit_path: &str) -> bool {
        self.has(Capability::MarkAttendance) && self.covers(member_unit_path)
    }

    /// May see the mark of this member, who belonged to the unit with this path on the meeting date.
    pub fn can_read_mark(&self, member_id: i64, member_unit_path: &str) -> bool {
        match self.role {
            Role::Member => self.member_id == Some(member_id),
            _ => self.has(Capability::ReadMembers) && self.covers(member_unit_path),
        }
    }

    /// May see attendance rates and absentee lists of a subtree (aggregates name no one outside it, but a
    /// member account sees only its own marks).
    pub fn can_read_rates(&self, unit_path: &str) -> bool {
        self.role != Role::Member && self.has(Capability::ReadMembers) && self.covers(unit_path)
    }

    /// May write directives, plans and yearly themes issued by this unit.
    pub fn can_manage_campaign(&self, unit_path: &str) -> bool {
        self.has(Capability::ManageCampaign) && self.covers(unit_path)
    }

    /// May see a good-practice model owned by the unit with `owner_path`: models of the subtree and of the
    /// units above it (they are meant to spread downwards). The store also lets a user see the models
    /// adopted by a unit of their subtree.
    pub fn can_read_model(&self, owner_path: &str) -> bool {
        self.has(Capability::ReadUnits)
            && (self.covers(owner_path) || in_subtree(owner_path, &self.unit_path))
    }

    /// May create and edit a model owned by this unit, add its results and photos.
    pub fn can_manage_model(&self, owner_path: &str) -> bool {
        self.has(Capability::ManageModels) && self.covers(owner_path)
    }

    /// May record that the unit with `adopting_path` adopted (nhân rộng) a model: the adoption belongs to
    /// the adopting unit, so whoever manages that unit records it.
    pub fn can_adopt_model(&self, adopting_path: &str) -> bool {
        self.can_manage_model(adopting_path)
    }

    /// May delete an adoption record: the adopting unit's managers, or the owner's (a wrong claim).
    pub fn can_remove_adoption(&self, adopting_path: &str, owner_path: &str) -> bool {
        self.can_manage_model(adopting_path) || self.can_manage_model(owner_path)
    }

    /// May moderate and answer citizens' feedback on a subject owned by the unit with `owner_path` (the
    /// feedback is routed to that unit; whoever manages it or a unit above answers).
    pub fn can_answer_feedback(&self, owner_path: &str) -> bool {
        self.has(Capability::AnswerFeedback) && self.covers(owner_path)
    }

    /// Confidential records (docs/DOMAIN.md § Inspection, supervision and discipline): may see the cases,
    /// conclusions and discipline decisions of the conducting (or deciding) unit with this path — inspector,
    /// office and admin accounts over that unit or above it. The SQL form is [`Principal::case_prefix`].
    pub fn can_read_cases(&self, conducting_path: &str) -> bool {
        self.has(Capability::ReadInspections) && self.covers(conducting_path)
    }

    /// May open, edit and conclude cases conducted by this unit, and record discipline decided by it.
    pub fn can_manage_cases(&self, conducting_path: &str) -> bool {
        self.has(Capability::ManageInspections) && self.covers(conducting_path)
    }

    /// The path prefix confidential records are filtered by, or `None` for roles that never see them as a
    /// whole (secretaries see concluded findings about their own units, members their own discipline).
    pub fn case_prefix(&self) -> Option<&str> {
        self.has(Capability::ReadInspections)
            .then_some(self.unit_path.as_str())
    }

    /// May see the finding (result, manifestations, note, remedies) about a subject whose unit has
    /// `subject_path`, in a case conducted by the unit with `conducting_path`: whoever reads the case, and —
    /// once the case is concluded — a secretary over the subject's unit, never about other units.
    pub fn can_read_finding(
        &self,
        conducting_path: &str,
        subject_path: &str,
        concluded: bool,
    ) -> bool {
        self.can_read_cases(conducting_path)
            || (concluded && self.role == Role::Secretary && self.covers(subject_path))
    }

    /// May report a remedy of a concluded finding as done: the secretary (or office, admin) over the
    /// subject's unit, and whoever manages the case.
    pub fn can_report_remedy(&self, conducting_path: &str, subject_path: &str) -> bool {
        self.can_manage_cases(conducting_path)
            || (matches!(self.role, Role::Secretary | Role::Office | Role::Admin)
                && self.covers(subject_path))
    }

    /// May see a discipline decision taken by the unit with `decided_path` about a subject whose unit has
    /// `subject_path` (the member `member_id` when it is about a member): the confidential roles over the
    /// deciding unit or over the subject, and the member themself.
    pub fn can_read_discipline(
        &self,
        decided_path: &str,
        subject_path: &str,
        member_id: Option<i64>,
    ) -> bool {
        self.can_read_cases(decided_path)
            || self.can_read_cases(subject_path)
            || (member_id.is_some() && self.member_id == member_id)
    }

    /// May see a commendation (decided, proposed or declined) issued or recorded by the unit with
    /// `issuer_path` naming recipients at `recipient_paths` (a unit's path, a member's unit's path) and the
    /// members `member_ids`: staff over the issuing unit or over any recipient; a member account only the
    /// ones naming its own member record. Commendations are not confidential, but a ward sees only its own.
    pub fn can_read_commendation(
        &self,
        issuer_path: &str,
        recipient_paths: &[&str],
        member_ids: &[i64],
    ) -> bool {
        if self.role == Role::Member {
            return self.member_id.is_some_and(|m| member_ids.contains(&m));
        }
        self.has(Capability::ReadUnits)
            && (self.covers(issuer_path) || recipient_paths.iter().any(|p| self.covers(p)))
    }

    /// May propose a commendation naming a recipient at `recipient_path` (each recipient is checked).
    pub fn can_propose_commendation(&self, recipient_path: &str) -> bool {
        self.has(Capability::ProposeCommendations) && self.covers(recipient_path)
    }

    /// May record (or decline) a decision issued by the unit with `issuer_path`: its office and admin.
    pub fn can_decide_commendation(&self, issuer_path: &str) -> bool {
        self.has(Capability::DecideCommendations) && self.covers(issuer_path)
    }

    /// May define and edit a criteria set owned by the unit with `owner_path`.
    pub fn can_manage_criteria(&self, owner_path: &str) -> bool {
        self.has(Capability::ManageCriteria) && self.covers(owner_path)
    }

    /// May record an assessment of the unit with `unit_path` against a criteria set.
    pub fn can_assess_criteria(&self, unit_path: &str) -> bool {
        self.has(Capability::AssessCriteria) && self.covers(unit_path)
    }

    /// May record (or withdraw) a recognition decision or a classification of the unit with `unit_path`.
    pub fn can_recognise(&self, unit_path: &str) -> bool {
        self.has(Capability::ManageCriteria) && self.covers(unit_path)
    }

    /// May read the period report of the unit with `unit_path` (its figures; the confidential sections
    /// only with `can_read_cases`).
    pub fn can_read_report(&self, unit_path: &str) -> bool {
        self.can_read_rates(unit_path)
    }

    /// May write, submit or issue the report of the unit with `unit_path`.
    pub fn can_write_report(&self, unit_path: &str) -> bool {
        self.has(Capability::WriteReports) && self.covers(unit_path)
    }

    /// May set a reporting round owned by the unit with `round_unit_path` and accept or return the
    /// reports submitted in it. A writer never reviews their own unit's report: the round belongs to the
    /// unit above it.
    pub fn can_review_reports(&self, round_unit_path: &str) -> bool {
        self.has(Capability::WriteReports) && self.covers(round_unit_path)
    }

    /// Audit rows carry the path of the unit the object belonged to.
    pub fn can_read_audit(&self, unit_path: &str) -> bool {
        self.has(Capability::ReadAudit) && self.covers(unit_path)
    }
}

/// Nobody approves, returns, assesses, rates, concludes or signs anything about themselves (docs/DOMAIN.md §
/// Nobody decides about themselves). The one check every such decision makes, whatever the role: an
/// account linked to the member record the decision is about is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Không ai tự quyết định về chính mình: việc này phải do người khác thực hiện")]
pub struct AboutSelf;

/// Refuses `p` deciding about the member `member_id` when `p`'s account is linked to that member.
pub fn not_about_self(p: &Principal, member_id: i64) -> Result<(), AboutSelf> {
    if p.member_id == Some(member_id) {
        Err(AboutSelf)
    } else {
        Ok(())
    }
}

/// Login throttling without lock-outs (OWASP ASVS V2.2.1 and OWASP's "device cookies" pattern). Counters
/// live in the database (`store::accounts`); the thresholds and delays are these pure rules.
///
/// The scheme:
/// - Every attempt is counted BEFORE the password is checked, by one atomic upsert that either admits it
///   (and returns the new count) or refuses it without checking anything. A burst of parallel guesses
///   therefore gets at most [`Rule::free`] password checks, however many requests arrive together.
/// - A success takes its own count back: it clears the streak of the account (or of the known device),
///   and for the client address it removes just the one attempt it added.
/// - A streak of [`Rule::free`] failures does not lock anything: the next attempt is admitted only after
///   a delay that doubles with every further counted failure ([`Rule::delay_after`]: 1, 2, 4, 8 minutes,
///   then every 15), and the streak is forgotten [`Rule::forget_secs`] after its last admitted attempt.
///   Refused attempts are not counted, so hammering does not push the delay further.
/// - Keys: the client address (`a:` + address, an IPv6 address per /64) with its own, higher threshold,
///   taken first; then the account (`u:` + user name, existing or not — the answer never tells which; a
///   name no account can have is counted on the address only); and — when the browser or API client
///   shows a device token that a successful login gave it for THIS account — the device (`d:` + token
///   hash) instead of both. A key taken back because a later key refused also takes back the wait it
///   armed, so attempts refused for their address never lengthen the account's wait.
/// - What holds: while failures continue, unknown devices wait; the owner signs in from a device they
///   used before; from a new device the owner waits at most the current delay once the attempts stop.
/// - Check-in codes use the same upsert with [`CHECKIN`]: five wrong codes per account and session, then
///   a quarter of an hour.
pub mod login_limits {
    /// One throttle: how many counted attempts are free, then how long to wait before the next.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Rule {
        /// Counted attempts admitted without any delay.
        pub free: i64,
        /// Delay after the `free`-th counted failure, in seconds; it doubles with every further one.
        pub base_delay_secs: i64,
        /// Longest delay, in seconds.
        pub max_delay_secs: i64,
        /// A streak is forgotten this many seconds after its last admitted attempt.
        pub forget_secs: i64,
    }

    /// Per account, from devices not known for it.
    pub const ACCOUNT: Rule = Rule {
        free: 5,
        base_delay_secs: 60,
        max_delay_secs: 15 * 60,
        forget_secs: 24 * 3600,
    };
    /// Per device token known for the account (the owner's own typing mistakes).
    pub const DEVICE: Rule = ACCOUNT;
    /// Per client address (behind a proxy without `--trust-proxy` every user shares one address, hence the
    /// higher threshold and the shorter memory).
    pub const ADDRESS: Rule = Rule {
        free: 20,
        base_delay_secs: 60,
        max_delay_secs: 15 * 60,
        forget_secs: 3600,
    };
    /// Self check-in codes, per account and session: a fixed quarter of an hour after five wrong codes.
    pub const CHECKIN: Rule = Rule {
        free: crate::attendance::CHECKIN_MAX_FAILURES,
        base_delay_secs: 15 * 60,
        max_delay_secs: 15 * 60,
        forget_secs: 15 * 60,
    };

    /// How long a device token is remembered after its last successful login (days).
    pub const DEVICE_DAYS: i64 = 180;
    /// Devices remembered per account (the most recently used; a script that never keeps its token does
    /// not grow the table).
    pub const DEVICES_PER_ACCOUNT: i64 = 20;

    impl Rule {
        /// Seconds to wait, after the `k`-th counted attempt of a streak, before the next is admitted:
        /// none while `k < free`, then `base · 2^(k − free)` up to `max`.
        pub fn delay_after(&self, k: i64) -> i64 {
            if k < self.free {
                return 0;
            }
            let steps = (k - self.free).min(40) as u32;
            self.base_delay_secs
                .saturating_mul(1i64 << steps)
                .min(self.max_delay_secs)
        }

        /// The distinct delays from the first non-zero one until the cap: `(k, delay_after(k))` for
        /// `k = free, free + 1, …` while the delay still grows. Every later `k` has the last delay.
        pub fn ladder(&self) -> Vec<(i64, i64)> {
            let mut out = Vec::new();
            let mut k = self.free.max(1);
            loop {
                let d = self.delay_after(k);
                out.push((k, d));
                if d >= self.max_delay_secs || out.len() > 40 {
                    return out;
                }
                k += 1;
            }
        }
    }

    /// Whole minutes to tell a person who must wait `secs` seconds (rounded up, at least 1).
    pub fn wait_minutes(secs: i64) -> i64 {
        ((secs.max(1) + 59) / 60).max(1)
    }

    /// What a refused login says: how long to wait, and that a known device is not held up.
    pub fn refusal(retry_after_secs: i64) -> String {
        format!(
            "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {} phút (trên máy đã từng đăng nhập thành công thì không phải chờ).",
            wait_minutes(retry_after_secs)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role, path: &str, member: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            role,
            unit_id: 1,
            unit_path: path.into(),
            member_id: member,
        }
    }

    #[test]
    fn ward_secretary_stays_in_ward() {
        let s = p(Role::Secretary, "/1/7/", None);
        assert!(s.can_read_member(10, "/1/7/30/"));
        assert!(!s.can_read_member(10, "/1/8/31/"));
        // "/1/70/" must not be mistaken for a child of "/1/7/".
        assert!(!s.can_read_member(10, "/1/70/"));
        assert!(s.can_write_member("/1/7/30/"));
        assert!(!s.can_transfer_member("/1/7/30/", "/1/8/31/"));
        assert!(!s.can_grant(Role::Member, "/1/7/30/"));
        assert!(!s.can_write_unit("/1/7/"));
    }

    #[test]
    fn cell_secretary_marks_only_own_cell() {
        let s = p(Role::Secretary, "/1/7/30/", None);
        // A ward-held session concerns the cell: visible, but only the cell's marks may be set.
        assert!(s.can_see_meeting("/1/7/"));
        assert!(!s.can_see_meeting("/1/8/"));
        assert!(!s.can_manage_meeting("/1/7/"));
        assert!(s.can_manage_meeting("/1/7/30/"));
        assert!(s.can_mark("/1/7/30/"));
        assert!(!s.can_mark("/1/7/31/"));
        let m = p(Role::Member, "/1/7/30/", Some(42));
        assert!(m.can_read_mark(42, "/1/7/30/"));
        assert!(!m.can_read_mark(43, "/1/7/30/"));
        assert!(!m.can_mark("/1/7/30/"));
        let i = p(Role::Inspector, "/1/", None);
        assert!(i.can_read_mark(43, "/1/7/30/"));
        assert!(!i.can_mark("/1/7/30/"));
        assert!(!i.can_manage_campaign("/1/"));
        assert!(p(Role::Office, "/1/", None).can_manage_campaign("/1/"));
    }

    #[test]
    fn member_sees_only_self() {
        let m = p(Role::Member, "/1/7/30/", Some(42));
        assert!(m.can_read_member(42, "/1/7/30/"));
        assert!(!m.can_read_member(43, "/1/7/30/"));
        assert!(!m.can_write_member("/1/7/30/"));
        assert_eq!(m.member_scope(), MemberScope::Only(42));
    }

    #[test]
    fn office_cannot_create_admins() {
        let o = p(Role::Office, "/1/", None);
        assert!(o.can_grant(Role::Secretary, "/1/7/"));
        assert!(!o.can_grant(Role::Office, "/1/7/"));
        assert!(!o.can_grant(Role::Admin, "/1/"));
        let a = p(Role::Admin, "/1/", None);
        assert!(a.can_grant(Role::Admin, "/1/"));
        let a7 = p(Role::Admin, "/1/7/", None);
        assert!(!a7.can_grant(Role::Member, "/1/8/"));
    }

    #[test]
    fn inspector_reads_but_never_writes() {
        let i = p(Role::Inspector, "/1/", None);
        assert!(i.can_read_member(1, "/1/7/30/"));
        assert!(!i.can_write_member("/1/7/30/"));
        assert!(!i.can_read_audit("/1/"));
    }

    #[test]
    fn models_are_managed_over_the_owner_and_adopted_by_the_adopting_unit() {
        let ward = p(Role::Secretary, "/1/7/", None);
        assert!(ward.can_manage_model("/1/7/"));
        assert!(ward.can_manage_model("/1/7/30/"));
        assert!(!ward.can_manage_model("/1/8/"));
        assert!(!ward.can_manage_model("/1/"));
        // Models of the units above concern the ward; another ward's do not.
        assert!(ward.can_read_model("/1/"));
        assert!(ward.can_read_model("/1/7/30/"));
        assert!(!ward.can_read_model("/1/8/"));
        assert!(!ward.can_read_model("/1/70/"));
        assert!(ward.can_adopt_model("/1/7/31/"));
        assert!(!ward.can_adopt_model("/1/8/"));
        assert!(ward.can_remove_adoption("/1/8/", "/1/7/"));
        assert!(!ward.can_remove_adoption("/1/8/", "/1/9/"));
        let member = p(Role::Member, "/1/7/30/", Some(4));
        assert!(member.can_read_model("/1/7/"));
        assert!(!member.can_manage_model("/1/7/30/"));
        let inspector = p(Role::Inspector, "/1/", None);
        assert!(inspector.can_read_model("/1/7/"));
        assert!(!inspector.can_manage_model("/1/7/"));
        assert!(p(Role::Office, "/1/", None).can_manage_model("/1/8/30/"));
    }

    #[test]
    fn login_delays_grow_and_stop_at_the_cap() {
        use login_limits::*;
        let delays: Vec<i64> = (1..=12).map(|k| ACCOUNT.delay_after(k)).collect();
        assert_eq!(delays, [0, 0, 0, 0, 60, 120, 240, 480, 900, 900, 900, 900]);
        assert_eq!(
            ACCOUNT.ladder(),
            [(5, 60), (6, 120), (7, 240), (8, 480), (9, 900)]
        );
        assert_eq!(CHECKIN.ladder(), [(5, 900)]);
        assert_eq!(ADDRESS.delay_after(19), 0);
        assert_eq!(ADDRESS.delay_after(20), 60);
        assert_eq!(wait_minutes(1), 1);
        assert_eq!(wait_minutes(60), 1);
        assert_eq!(wait_minutes(61), 2);
        assert_eq!(wait_minutes(0), 1);
    }

    mod login_props {
        use super::super::login_limits::*;
        use proptest::prelude::*;

        fn rule() -> impl Strategy<Value = Rule> {
            (1i64..30, 1i64..600, 1i64..7200, 1i64..100_000).prop_map(
                |(free, base, extra, forget)| Rule {
                    free,
                    base_delay_secs: base,
                    max_delay_secs: base + extra,
                    forget_secs: forget,
                },
            )
        }

        proptest! {
            /// Free attempts wait nothing; after them the delay never shrinks, never passes the cap and
            /// reaches it; the ladder lists exactly the growing part.
            #[test]
            fn delays_are_monotone_and_capped(r in rule(), k in 0i64..10_000) {
                prop_assert_eq!(r.delay_after(k) == 0, k < r.free);
                prop_assert!(r.delay_after(k + 1) >= r.delay_after(k));
                prop_assert!(r.delay_after(k) <= r.max_delay_secs);
                prop_assert_eq!(r.delay_after(r.free + 64), r.max_delay_secs);
                let ladder = r.ladder();
                prop_assert_eq!(ladder[0], (r.free, r.base_delay_secs.min(r.max_delay_secs)));
                for w in ladder.windows(2) {
                    prop_assert!(w[1].1 > w[0].1 && w[1].0 == w[0].0 + 1);
                }
                for &(k, d) in &ladder {
                    prop_assert_eq!(r.delay_after(k), d);
                }
                let (last_k, last_d) = ladder[ladder.len() - 1];
                prop_assert_eq!(last_d, r.max_delay_secs);
                prop_assert_eq!(r.delay_after(last_k + k), r.max_delay_secs);
            }

            /// The minutes told to a person never understate the wait.
            #[test]
            fn wait_minutes_round_up(secs in 1i64..100_000) {
                let m = wait_minutes(secs);
                prop_assert!(m * 60 >= secs && (m - 1) * 60 < secs);
            }
        }
    }
}
