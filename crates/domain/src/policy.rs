//! The one access policy (PRODUCT.md §1). Every read and write in lamtheo asks this module; the store turns
//! the same decisions into SQL filters (`MemberScope`, `Principal::unit_prefix`), and tests prove the two agree.
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
    /// For `Role::Member`: the linked member record.
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
            ),
            Role::Inspector => matches!(cap, ReadUnits | ReadMembers | ExportMembers),
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

    /// Audit rows carry the path of the unit the object belonged to.
    pub fn can_read_audit(&self, unit_path: &str) -> bool {
        self.has(Capability::ReadAudit) && self.covers(unit_path)
    }
}

/// Login throttling (PRODUCT.md §1, issue 2): counters live in the database; these are the thresholds.
pub mod login_limits {
    /// Failed attempts per account inside the window before the account is locked for the window.
    pub const PER_ACCOUNT: i64 = 5;
    /// Failed attempts per client address inside the window.
    pub const PER_ADDRESS: i64 = 20;
    /// Window and lock length in seconds.
    pub const WINDOW_SECS: i64 = 15 * 60;
}

/// Minimum rules for a password chosen by a user. Returns a Vietnamese message when refused.
pub fn check_new_password(password: &str, username: &str) -> Result<(), String> {
    if password.chars().count() < 10 {
        return Err("Mật khẩu phải có ít nhất 10 ký tự".to_string());
    }
    if password.eq_ignore_ascii_case(username) {
        return Err("Mật khẩu không được trùng tên đăng nhập".to_string());
    }
    if !password.chars().any(|c| c.is_alphabetic()) || !password.chars().any(|c| c.is_numeric()) {
        return Err("Mật khẩu phải có cả chữ và số".to_string());
    }
    Ok(())
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
    fn passwords_need_length_letters_digits() {
        assert!(check_new_password("short1", "x").is_err());
        assert!(check_new_password("abcdefghijk", "x").is_err());
        assert!(check_new_password("matkhau2026", "x").is_ok());
    }
}
