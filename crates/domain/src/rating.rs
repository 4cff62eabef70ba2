//! The annual quality rating of a member in two steps (docs/DOMAIN.md § Rating): the member's cell proposes,
//! the grassroots party organisation decides. Who proposes and who decides is read from the tree by unit type
//! (`org`), never by depth; the leaders of a grassroots organisation are rated by the level above.
//!
//! - **Proposer**: the member's cell (the unit holding the member's registration of the year) — an account at
//!   exactly that unit (secretary, office, admin), as for the registration's approval.
//! - **Decider**: the grassroots organisation of that cell (`org::grassroots_org`), an account at exactly that
//!   unit. A member of a *chi bộ cơ sở* is proposed and decided by the same unit: one step, the decision needs
//!   no proposal. A unit above the grassroots level rates its own members in one step as well.
//! - **Leaders** (bí thư, phó bí thư, ủy viên ban thường vụ of the grassroots organisation): the grassroots
//!   organisation proposes and the party unit above it decides (`org::level_above`).
//! - Nobody proposes or decides their own rating (`policy::not_about_self`).
//! - A decision that differs from the proposal needs a reason; a proposal (or a one-step decision) that
//!   differs from the suggested rating needs one too (`registration::check_rating`).
//! - A member disciplined in the year is not rated above *hoàn thành nhiệm vụ* ([`cap_for_discipline`]).
//! - The 20 % rule stays a warning (`registration::excellent_share_warning`), counted within the grassroots
//!   organisation (`org::comparison_scope`).

use serde::Serialize;

use crate::org::{self, UnitRef};
use crate::policy::{not_about_self, AboutSelf, Principal};
use crate::position::{PartyPost, Post};
use crate::registration::{check_rating, Rating};
use crate::Role;

/// Who proposes and who decides one member's rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingSteps {
    /// The unit whose account proposes.
    pub proposer: UnitRef,
    /// The unit whose account decides.
    pub decider: UnitRef,
}

impl RatingSteps {
    /// The same unit proposes and decides (a chi bộ cơ sở's members): the decision needs no proposal.
    pub fn one_step(&self) -> bool {
        self.proposer.id == self.decider.id
    }
}

/// Party posts that make their holder one of the leaders of a grassroots organisation, rated by the level
/// above: bí thư, phó bí thư, ủy viên ban thường vụ.
pub fn leads(post: Post) -> bool {
    matches!(
        post,
        Post::Secretary | Post::DeputySecretary | Post::StandingMember
    )
}

/// Who proposes and who decides the rating of a member whose rating unit (cell) ends `chain` (root first),
/// given the party posts the member holds in the year. `None` for an empty chain.
pub fn rating_steps(chain: &[UnitRef], posts: &[PartyPost]) -> Option<RatingSteps> {
    let cell = chain.last()?;
    let Some(g) = org::grassroots_org(chain) else {
        return Some(RatingSteps {
            proposer: cell.clone(),
            decider: cell.clone(),
        });
    };
    let leader = posts.iter().any(|p| p.unit_id == g.id && leads(p.post));
    if leader {
        let at = chain.iter().position(|u| u.id == g.id)?;
        if let Some(above) = org::level_above(&chain[..=at]) {
            return Some(RatingSteps {
                proposer: g.clone(),
                decider: above.clone(),
            });
        }
    }
    Some(RatingSteps {
        proposer: cell.clone(),
        decider: g.clone(),
    })
}

/// Why a proposal or a decision is refused. The unit names are the store's (display names of the units).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("{0}")]
    AboutSelf(#[from] AboutSelf),
    #[error("Chỉ {0} đề xuất xếp loại đảng viên này")]
    NotProposer(String),
    /// The proposer's account tried to decide: the grassroots committee decides.
    #[error("Đảng ủy cơ sở ({0}) quyết định xếp loại; chi bộ chỉ đề xuất")]
    CellOnlyProposes(String),
    /// The grassroots committee's account tried to decide about one of its leaders.
    #[error("Cấp ủy cấp trên ({0}) quyết định xếp loại; đảng ủy cơ sở chỉ đề xuất")]
    CommitteeOnlyProposes(String),
    #[error("Chỉ {0} quyết định xếp loại đảng viên này")]
    NotDecider(String),
    #[error("Chưa có đề xuất xếp loại của {0}: đơn vị đề xuất trước, cấp ủy quyết định sau")]
    NoProposal(String),
    #[error("Quyết định khác mức {} đã đề xuất: hãy ghi lý do (ít nhất 10 ký tự)", .0.label())]
    DiffersFromProposal(Rating),
    #[error(
        "Đảng viên bị kỷ luật trong năm không được xếp loại cao hơn mức “Hoàn thành nhiệm vụ”"
    )]
    Disciplined,
    /// A departure from the suggested rating without a reason (`registration::check_rating`).
    #[error("{0}")]
    Reason(String),
}

/// The names of the two units, for the messages.
#[derive(Debug, Clone, Copy)]
pub struct StepNames<'a> {
    pub proposer: &'a str,
    pub decider: &'a str,
}

/// An account acting for `unit`: a secretary, office or admin account at exactly that unit.
fn acts_for(p: &Principal, unit: &UnitRef) -> bool {
    matches!(p.role, Role::Admin | Role::Office | Role::Secretary) && p.unit_path == unit.path
}

/// May `p` propose the rating of `member_id`?
pub fn may_propose(
    p: &Principal,
    steps: &RatingSteps,
    member_id: i64,
    names: StepNames<'_>,
) -> Result<(), RatingError> {
    not_about_self(p, member_id)?;
    if acts_for(p, &steps.proposer) {
        Ok(())
    } else {
        Err(RatingError::NotProposer(names.proposer.to_string()))
    }
}

/// May `p` decide the rating of `member_id`?
pub fn may_decide(
    p: &Principal,
    steps: &RatingSteps,
    member_id: i64,
    names: StepNames<'_>,
) -> Result<(), RatingError> {
    not_about_self(p, member_id)?;
    if acts_for(p, &steps.decider) {
        Ok(())
    } else if acts_for(p, &steps.proposer) {
        if steps.proposer.unit_type.is_grassroots_org() {
            Err(RatingError::CommitteeOnlyProposes(
                names.decider.to_string(),
            ))
        } else {
            Err(RatingError::CellOnlyProposes(names.decider.to_string()))
        }
    } else {
        Err(RatingError::NotDecider(names.decider.to_string()))
    }
}

/// A member disciplined in the year is not rated above *hoàn thành nhiệm vụ*. The store passes whether a
/// discipline decision in force is dated in the year (`Inspections::disciplined_in_year`).
pub fn cap_for_discipline(chosen: Rating, disciplined_in_year: bool) -> Result<(), RatingError> {
    if disciplined_in_year && chosen < Rating::Completed {
        Err(RatingError::Disciplined)
    } else {
        Ok(())
    }
}

/// The proposal's content: a departure from the suggested rating needs a reason; the discipline cap.
pub fn check_proposal(
    suggested: Option<Rating>,
    chosen: Rating,
    reason: &str,
    disciplined_in_year: bool,
) -> Result<(), RatingError> {
    cap_for_discipline(chosen, disciplined_in_year)?;
    check_rating(suggested, chosen, reason).map_err(RatingError::Reason)
}

/// The decision's content. With a proposal: following it needs nothing more, another level needs a reason.
/// Without one: only in one step, where the decision is checked like a proposal (against the suggestion).
pub fn check_decision(
    steps: &RatingSteps,
    suggested: Option<Rating>,
    proposal: Option<Rating>,
    chosen: Rating,
    reason: &str,
    disciplined_in_year: bool,
    names: StepNames<'_>,
) -> Result<(), RatingError> {
    cap_for_discipline(chosen, disciplined_in_year)?;
    match proposal {
        Some(proposed) if proposed == chosen => Ok(()),
        Some(proposed) => {
            if reason.trim().chars().count() < 10 {
                Err(RatingError::DiffersFromProposal(proposed))
            } else {
                Ok(())
            }
        }
        None if steps.one_step() => {
            check_rating(suggested, chosen, reason).map_err(RatingError::Reason)
        }
        None => Err(RatingError::NoProposal(names.proposer.to_string())),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::UnitType::{self, *};

    fn chain(types: &[UnitType]) -> Vec<UnitRef> {
        let mut path = String::from("/");
        types
            .iter()
            .enumerate()
            .map(|(i, t)| {
                path.push_str(&format!("{}/", i + 1));
                UnitRef {
                    id: i as i64 + 1,
                    path: path.clone(),
                    unit_type: *t,
                }
            })
            .collect()
    }

    fn post(post: Post, unit: &UnitRef) -> PartyPost {
        PartyPost {
            post,
            unit_id: unit.id,
            unit_path: unit.path.clone(),
            unit_type: unit.unit_type,
            from: None,
            to: None,
        }
    }

    fn account(role: Role, unit: &UnitRef, member_id: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            username: "tk".into(),
            role,
            unit_id: unit.id,
            unit_path: unit.path.clone(),
            member_id,
        }
    }

    const NAMES: StepNames<'static> = StepNames {
        proposer: "Chi bộ Khu phố 1",
        decider: "Đảng bộ phường An Hội",
    };

    #[test]
    fn a_cell_proposes_and_its_ward_decides() {
        let c = chain(&[PartyCommittee, GrassrootsCommittee, Cell]);
        let s = rating_steps(&c, &[]).unwrap();
        assert_eq!((s.proposer.id, s.decider.id), (3, 2));
        assert!(!s.one_step());
        let cell = account(Role::Secretary, &c[2], None);
        let ward = account(Role::Secretary, &c[1], None);
        assert!(may_propose(&cell, &s, 9, NAMES).is_ok());
        assert!(may_decide(&ward, &s, 9, NAMES).is_ok());
        let e = may_decide(&cell, &s, 9, NAMES).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Đảng ủy cơ sở (Đảng bộ phường An Hội) quyết định xếp loại; chi bộ chỉ đề xuất"
        );
        // The ward does not propose for the cell, and the city covers both but is neither.
        assert!(may_propose(&ward, &s, 9, NAMES).is_err());
        let city = account(Role::Office, &c[0], None);
        assert!(matches!(
            may_decide(&city, &s, 9, NAMES),
            Err(RatingError::NotDecider(_))
        ));
    }

    #[test]
    fn a_cell_under_a_partial_committee_is_decided_by_the_grassroots_committee() {
        let c = chain(&[PartyCommittee, GrassrootsCommittee, PartialCommittee, Cell]);
        let s = rating_steps(&c, &[]).unwrap();
        assert_eq!((s.proposer.id, s.decider.id), (4, 2));
        let partial = account(Role::Secretary, &c[2], None);
        assert!(may_decide(&partial, &s, 9, NAMES).is_err());
    }

    #[test]
    fn a_grassroots_cell_rates_in_one_step() {
        let c = chain(&[PartyCommittee, GrassrootsCell]);
        let s = rating_steps(&c, &[]).unwrap();
        assert!(s.one_step());
        assert_eq!(s.decider.id, 2);
        // No proposal needed; a departure from the suggestion still needs a reason.
        assert!(
            check_decision(&s, Some(Rating::Good), None, Rating::Good, "", false, NAMES).is_ok()
        );
        assert!(matches!(
            check_decision(
                &s,
                Some(Rating::Good),
                None,
                Rating::Excellent,
                "",
                false,
                NAMES
            ),
            Err(RatingError::Reason(_))
        ));
    }

    #[test]
    fn leaders_of_the_grassroots_organisation_are_decided_above() {
        let c = chain(&[PartyCommittee, GrassrootsCommittee, Cell]);
        for p in [Post::Secretary, Post::DeputySecretary, Post::StandingMember] {
            let s = rating_steps(&c, &[post(p, &c[1])]).unwrap();
            assert_eq!((s.proposer.id, s.decider.id), (2, 1), "{p:?}");
        }
        // A committee member who is not on the standing committee, or the cell's own secretary: as anyone.
        let s = rating_steps(
            &c,
            &[
                post(Post::CommitteeMember, &c[1]),
                post(Post::Secretary, &c[2]),
            ],
        )
        .unwrap();
        assert_eq!((s.proposer.id, s.decider.id), (3, 2));
        // The ward's account proposes for its secretary and cannot decide.
        let s = rating_steps(&c, &[post(Post::Secretary, &c[1])]).unwrap();
        let ward = account(Role::Secretary, &c[1], None);
        assert!(may_propose(&ward, &s, 9, NAMES).is_ok());
        assert!(matches!(
            may_decide(&ward, &s, 9, NAMES),
            Err(RatingError::CommitteeOnlyProposes(_))
        ));
        assert!(may_decide(&account(Role::Office, &c[0], None), &s, 9, NAMES).is_ok());
        // The secretary of a chi bộ cơ sở: the level above decides, so two steps.
        let g = chain(&[PartyCommittee, GrassrootsCell]);
        let s = rating_steps(&g, &[post(Post::Secretary, &g[1])]).unwrap();
        assert_eq!((s.proposer.id, s.decider.id), (2, 1));
        assert!(!s.one_step());
    }

    #[test]
    fn nobody_proposes_or_decides_their_own_rating() {
        let c = chain(&[PartyCommittee, GrassrootsCommittee, Cell]);
        let s = rating_steps(&c, &[]).unwrap();
        let cell = account(Role::Secretary, &c[2], Some(9));
        let ward = account(Role::Secretary, &c[1], Some(9));
        assert!(matches!(
            may_propose(&cell, &s, 9, NAMES),
            Err(RatingError::AboutSelf(_))
        ));
        assert!(matches!(
            may_decide(&ward, &s, 9, NAMES),
            Err(RatingError::AboutSelf(_))
        ));
        assert!(may_decide(&ward, &s, 10, NAMES).is_ok());
    }

    #[test]
    fn a_decision_follows_the_proposal_or_gives_a_reason() {
        let c = chain(&[PartyCommittee, GrassrootsCommittee, Cell]);
        let s = rating_steps(&c, &[]).unwrap();
        let g = Some(Rating::Good);
        assert!(matches!(
            check_decision(&s, g, None, Rating::Good, "", false, NAMES),
            Err(RatingError::NoProposal(_))
        ));
        // Following the proposal needs no reason, even when the proposal left the suggestion.
        assert!(check_decision(
            &s,
            g,
            Some(Rating::Completed),
            Rating::Completed,
            "",
            false,
            NAMES
        )
        .is_ok());
        let e = check_decision(
            &s,
            g,
            Some(Rating::Completed),
            Rating::Good,
            "ngắn",
            false,
            NAMES,
        )
        .unwrap_err();
        assert!(e.to_string().contains("Hoàn thành nhiệm vụ"), "{e}");
        assert!(check_decision(
            &s,
            g,
            Some(Rating::Completed),
            Rating::Good,
            "Đảng ủy xét thấy hoàn thành tốt",
            false,
            NAMES
        )
        .is_ok());
        // A proposal leaving the suggestion needs its own reason.
        assert!(check_proposal(g, Rating::Excellent, "", false).is_err());
        assert!(check_proposal(g, Rating::Good, "", false).is_ok());
    }

    #[test]
    fn a_disciplined_member_is_not_rated_above_completed() {
        assert_eq!(
            cap_for_discipline(Rating::Good, true),
            Err(RatingError::Disciplined)
        );
        assert!(cap_for_discipline(Rating::Completed, true).is_ok());
        assert!(cap_for_discipline(Rating::NotCompleted, true).is_ok());
        assert!(cap_for_discipline(Rating::Excellent, false).is_ok());
        assert!(check_proposal(Some(Rating::Excellent), Rating::Excellent, "", true).is_err());
    }
}
