/**
 * Demo data drawn from the five council reports in the design's seeds: the Clyde Valley
 * Community Planning Partnership's ranked work streams and lead authorities (Inverclyde,
 * 18 February 2010), Local Government North Yorkshire and York's collaborative initiatives
 * (12 July 2012), the B&NES – North Somerset co-operation (June 2014), Lancaster and
 * Lancashire's shared services programme (April 2011), and Leeds' DECATS improvement
 * priority with its conditional repayment (2009).
 */
export interface DemoWorkstream {
  title: string;
  serviceArea: string;
  rank?: number;
  leads: string[];
  phase?: string;
  /** Past business case with none recorded: the seed's words for why (the phase history keeps them). */
  phaseReason?: string;
  description?: string;
  status?: { rag: string; period: string; reason?: string; narrative?: string };
  milestones?: { title: string; dueOn: string }[];
}

export interface DemoPartnership {
  name: string;
  kind: string;
  description: string;
  administering: string;
  joinedOn: string;
  members: string[];
  workstreams: DemoWorkstream[];
}

export const GLASGOW = 'S12000049';
export const NORTH_LANARKSHIRE = 'S12000050';
export const SOUTH_LANARKSHIRE = 'S12000029';
export const RENFREWSHIRE = 'S12000038';
export const EAST_RENFREWSHIRE = 'S12000011';
export const INVERCLYDE = 'S12000018';
export const EAST_DUNBARTONSHIRE = 'S12000045';
export const WEST_DUNBARTONSHIRE = 'S12000039';
export const BANES = 'E06000022';
export const NORTH_SOMERSET = 'E06000024';
export const LANCASTER = 'E07000121';
export const LANCASHIRE = 'E10000017';
export const NORTH_YORKSHIRE = 'E06000065';
export const YORK = 'E06000014';
export const LEEDS = 'E08000035';

export const DEMO_COUNCILS = [
  GLASGOW,
  NORTH_LANARKSHIRE,
  SOUTH_LANARKSHIRE,
  RENFREWSHIRE,
  EAST_RENFREWSHIRE,
  INVERCLYDE,
  EAST_DUNBARTONSHIRE,
  WEST_DUNBARTONSHIRE,
  BANES,
  NORTH_SOMERSET,
  LANCASTER,
  LANCASHIRE,
  NORTH_YORKSHIRE,
  YORK,
  LEEDS,
];

const unled = 'No lead authority named yet; recorded by the administering council.';

export const DEMO_PARTNERSHIPS: DemoPartnership[] = [
  {
    name: 'Clyde Valley Community Planning Partnership',
    kind: 'community_planning_partnership',
    description:
      'Review of Joint Working and Shared Services (November 2009); work streams prioritised on 15 January 2010. Chaired and administered by West Dunbartonshire Council during 2010.',
    administering: WEST_DUNBARTONSHIRE,
    joinedOn: '2010-01-15',
    members: [
      GLASGOW,
      NORTH_LANARKSHIRE,
      SOUTH_LANARKSHIRE,
      RENFREWSHIRE,
      EAST_RENFREWSHIRE,
      INVERCLYDE,
      EAST_DUNBARTONSHIRE,
    ],
    workstreams: [
      {
        rank: 1,
        title: 'An integrated waste management approach',
        serviceArea: 'waste',
        leads: [GLASGOW, NORTH_LANARKSHIRE],
        phase: 'research',
        status: {
          rag: 'amber',
          period: 'January – March 2010',
          reason: 'Lead officer, scope and remit still to be agreed',
          narrative:
            'Phase 1: research into the viability of a shared service and development of a business case.',
        },
        milestones: [
          {
            title: 'Lead officer, scope, remit and first milestones to the partnership meeting',
            dueOn: '2010-03-12',
          },
        ],
      },
      {
        rank: 2,
        title: 'An integrated approach to health and social care',
        serviceArea: 'health_social_care',
        leads: [RENFREWSHIRE],
        phase: 'research',
        description: 'With possible support from Sir John Arbuthnott.',
      },
      {
        rank: 3,
        title: 'A single social transport solution',
        serviceArea: 'social_transport_fleet',
        leads: [NORTH_LANARKSHIRE, GLASGOW],
        phase: 'research',
      },
      {
        rank: 4,
        title: 'Property sharing and local management in hubs',
        serviceArea: 'property_hubs',
        leads: [SOUTH_LANARKSHIRE],
        phase: 'research',
      },
      {
        rank: 5,
        title: 'Developing an approach to the back office',
        serviceArea: 'back_office',
        leads: [EAST_RENFREWSHIRE, INVERCLYDE],
        phase: 'research',
      },
      {
        rank: 6,
        title: 'Joint and streamlined fleet management and maintenance',
        serviceArea: 'social_transport_fleet',
        leads: [WEST_DUNBARTONSHIRE],
        description: unled,
      },
      {
        rank: 7,
        title: 'A common charging framework',
        serviceArea: 'charging',
        leads: [EAST_DUNBARTONSHIRE],
        phase: 'research',
      },
      {
        rank: 8,
        title: 'Shared roads maintenance',
        serviceArea: 'roads',
        leads: [WEST_DUNBARTONSHIRE],
        description: unled,
      },
      {
        rank: 9,
        title: 'Joint economic strategy',
        serviceArea: 'economic_strategy',
        leads: [WEST_DUNBARTONSHIRE],
        phase: 'research',
      },
      {
        rank: 10,
        title: 'Joint workforce planning',
        serviceArea: 'workforce',
        leads: [WEST_DUNBARTONSHIRE],
        description: unled,
      },
    ],
  },
  {
    name: 'Local Government North Yorkshire and York',
    kind: 'joint_committee',
    description:
      'Collaborative initiatives begun with Regional Improvement & Efficiency Partnership funding. (The 2012 county and districts were replaced by North Yorkshire Council in 2023.)',
    administering: NORTH_YORKSHIRE,
    joinedOn: '2012-01-20',
    members: [YORK],
    workstreams: [
      {
        title: 'Asset management: public sector occupancy in Malton',
        serviceArea: 'asset_management',
        leads: [NORTH_YORKSHIRE],
        phase: 'research',
      },
      {
        title: 'Access to services: web and contact centre technology',
        serviceArea: 'access_to_services',
        leads: [NORTH_YORKSHIRE],
        phase: 'business_case',
      },
      {
        title: 'Fleet management',
        serviceArea: 'social_transport_fleet',
        leads: [YORK],
        phase: 'implementation',
        phaseReason: 'City of York Council led a joint procurement of refuse vehicles.',
        description: 'City of York Council led a joint procurement of refuse vehicles.',
      },
      {
        title: 'Joined-up ICT between the county and the districts',
        serviceArea: 'ict',
        leads: [NORTH_YORKSHIRE],
        phase: 'research',
      },
    ],
  },
  {
    name: 'Bath & North East Somerset and North Somerset co-operation',
    kind: 'bilateral_cooperation',
    description:
      'Co-operation agreement approved by the B&NES Cabinet on 11 June 2014 (forward plan E 2649).',
    administering: BANES,
    joinedOn: '2014-06-11',
    members: [NORTH_SOMERSET],
    workstreams: [
      {
        title: 'Shared HR and payroll systems and services',
        serviceArea: 'hr_payroll',
        leads: [NORTH_SOMERSET],
        phase: 'business_case',
      },
      {
        title: 'Internal audit for both councils',
        serviceArea: 'audit',
        leads: [BANES],
        phase: 'live',
        phaseReason:
          'Joint working arrangements such as the B&NES Head of Audit leading the delivery of the Internal Audit function for both councils.',
      },
      {
        title: 'Joint procurement',
        serviceArea: 'procurement',
        leads: [BANES, NORTH_SOMERSET],
        phase: 'research',
      },
    ],
  },
  {
    name: 'Lancaster and Lancashire shared services programme',
    kind: 'other',
    description:
      'Shared services programme reported to Lancaster City Council Cabinet on 19 April 2011.',
    administering: LANCASTER,
    joinedOn: '2011-01-18',
    members: [LANCASHIRE],
    workstreams: [
      {
        title: 'Shared revenues and benefits service',
        serviceArea: 'revenues_benefits',
        leads: [LANCASTER],
        phase: 'business_case',
      },
    ],
  },
];

/** Inverclyde's own priorities of 15 December 2009: waste, roads, social transport. */
export const INVERCLYDE_PRIORITIES: [string, number][] = [
  ['An integrated waste management approach', 1],
  ['Shared roads maintenance', 2],
  ['A single social transport solution', 3],
];

export const DECATS = {
  workstream: {
    title: 'VfM-4d Explore opportunities for collaboration (DECATS)',
    serviceArea: 'back_office',
    phase: 'implementation',
    phaseReason: 'Contract with Local Partnerships to join DECATS agreed',
    description:
      "Delivering Efficient Corporate And Transactional Services: a diagnostic of the Council's back office functions, with Local Partnerships and PwC.",
  },
  status: {
    rag: 'green',
    period: '1 April – 30 September 2009',
    achievements:
      'Scope extended to all key business processes; links made to the national DECATS programme; buy-in in principle by CLT.',
    challenges:
      'Programme not delivered within agreed time scales: potential contractual penalties.',
  },
  funding: {
    funder: 'Local Partnerships',
    amountPence: 10_000_000,
    atRisk: true,
    description: 'Two thirds of the funding, paid at risk.',
    repaymentThresholds: [
      { realisedSavingsPence: 100_000_000, repaymentPence: 5_000_000 },
      { realisedSavingsPence: 500_000_000, repaymentPence: 5_000_000 },
    ],
  },
  milestones: [
    {
      title: 'Contract with Local Partnerships to join DECATS agreed',
      dueOn: '2009-11-30',
      status: 'done',
      completedOn: '2009-11-27',
    },
    {
      title: 'Communication plan agreed',
      dueOn: '2009-11-30',
      status: 'done',
      completedOn: '2009-11-30',
    },
    { title: 'DECATS programme completed', dueOn: '2010-04-30', status: 'in_progress' },
  ],
  actions: [
    {
      action:
        'Contractual arrangements to join the DECATS programme finalised with clearly defined outcomes',
      contributors: 'Arfan Hanif; Iain Dunn',
      timescale: 'Nov 2009',
    },
    {
      action: 'Communication plan to raise awareness about DECATS agreed and embedded',
      contributors: 'John McPherson',
      timescale: 'Nov 2009',
    },
    {
      action: 'DECATS programme completed and business cases identified',
      contributors: 'Arfan Hanif; Bernard McPheely',
      timescale: 'Apr 2010',
    },
  ],
  risks: [
    {
      description: 'Lack of buy-in or commitment within the Council to participate in DECATS',
      likelihood: 3,
      impact: 4,
    },
    {
      description: 'Lack of willingness to act on business case recommendations',
      likelihood: 2,
      impact: 4,
    },
  ],
  savings: {
    financialYear: '2010-11',
    plannedPence: 100_000_000,
    realisedPence: 120_000_000,
    cashable: true,
  },
};
