/**
 * Priority alignment (issue 5, from the Inverclyde report): the partnership ranks its
 * workstreams; each member council ranks the ones it cares about. For each council, which of
 * its own top priorities the partnership also put in its top, and which it did not ("two of
 * the top three priorities identified by the Council were also prioritised").
 */
export interface RankedWorkstream {
  workstreamId: string;
  title: string;
  partnershipRank: number | null;
}

export interface CouncilRanking {
  councilId: string;
  councilName: string;
  ranks: { workstreamId: string; rank: number }[];
}

export interface AlignedPriority {
  workstreamId: string;
  title: string;
  partnershipRank: number | null;
  councilRank: number | null;
}

export interface CouncilAlignment {
  councilId: string;
  councilName: string;
  priorities: AlignedPriority[];
  sharedWithPartnership: AlignedPriority[];
  notPrioritisedByPartnership: AlignedPriority[];
  hasRanked: boolean;
}

const byRank =
  <T>(rank: (x: T) => number | null) =>
  (a: T, b: T) =>
    (rank(a) ?? Infinity) - (rank(b) ?? Infinity);

export function partnershipTop(workstreams: RankedWorkstream[], top: number): AlignedPriority[] {
  return workstreams
    .filter((w) => w.partnershipRank !== null)
    .sort(byRank((w) => w.partnershipRank))
    .slice(0, top)
    .map((w) => ({ ...w, councilRank: null }));
}

export function alignCouncil(
  workstreams: RankedWorkstream[],
  council: CouncilRanking,
  top: number,
): CouncilAlignment {
  const byId = new Map(workstreams.map((w) => [w.workstreamId, w]));
  const partnershipIds = new Set(partnershipTop(workstreams, top).map((w) => w.workstreamId));
  const priorities = [...council.ranks]
    .sort(byRank((r) => r.rank))
    .slice(0, top)
    .flatMap((r) => {
      const workstream = byId.get(r.workstreamId);
      return workstream ? [{ ...workstream, councilRank: r.rank }] : [];
    });
  return {
    councilId: council.councilId,
    councilName: council.councilName,
    priorities,
    sharedWithPartnership: priorities.filter((p) => partnershipIds.has(p.workstreamId)),
    notPrioritisedByPartnership: priorities.filter((p) => !partnershipIds.has(p.workstreamId)),
    hasRanked: council.ranks.length > 0,
  };
}
