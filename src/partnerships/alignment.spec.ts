import { alignCouncil, partnershipTop } from './alignment';

// The Clyde Valley ranking of 15 January 2010 and Inverclyde's own of 15 December 2009.
const clydeValley = [
  'Integrated waste management',
  'Integrated health and social care',
  'Single social transport solution',
  'Property sharing and management in hubs',
  'Approach to the back office',
  'Joint fleet management and maintenance',
  'Common charging framework',
  'Shared roads maintenance',
  'Joint economic strategy',
  'Joint workforce planning',
].map((title, i) => ({ workstreamId: `w${i + 1}`, title, partnershipRank: i + 1 }));

describe('priority alignment', () => {
  it("takes the partnership's top three by rank, ignoring unranked workstreams", () => {
    const unranked = { workstreamId: 'x', title: 'Unranked', partnershipRank: null };
    expect(partnershipTop([unranked, ...clydeValley].reverse(), 3).map((w) => w.title)).toEqual([
      'Integrated waste management',
      'Integrated health and social care',
      'Single social transport solution',
    ]);
  });

  it("names roads as Inverclyde's priority that the partnership did not put in its top three", () => {
    const inverclyde = {
      councilId: 'ivc',
      councilName: 'Inverclyde Council',
      ranks: [
        { workstreamId: 'w8', rank: 2 },
        { workstreamId: 'w1', rank: 1 },
        { workstreamId: 'w3', rank: 3 },
      ],
    };
    const result = alignCouncil(clydeValley, inverclyde, 3);
    expect(result.priorities.map((p) => [p.councilRank, p.title])).toEqual([
      [1, 'Integrated waste management'],
      [2, 'Shared roads maintenance'],
      [3, 'Single social transport solution'],
    ]);
    expect(result.sharedWithPartnership.map((p) => p.title)).toEqual([
      'Integrated waste management',
      'Single social transport solution',
    ]);
    expect(result.notPrioritisedByPartnership).toEqual([
      {
        workstreamId: 'w8',
        title: 'Shared roads maintenance',
        partnershipRank: 8,
        councilRank: 2,
      },
    ]);
  });

  it('reports a council that has ranked nothing', () => {
    const result = alignCouncil(clydeValley, { councilId: 'c', councilName: 'C', ranks: [] }, 3);
    expect(result).toMatchObject({ hasRanked: false, priorities: [] });
  });
});
