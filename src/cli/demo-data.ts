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
  status?: { rag: string; period: string; asAt?: string; reason?: string; narrative?: string };
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
          asAt: '2010-02-18',
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
      {
        title: 'Regulatory and trading services',
        serviceArea: 'other',
        leads: [BANES, NORTH_SOMERSET],
        phase: 'research',
        description:
          'Collaborative work around Regulatory and trading Services to improve service resilience and look at shared processes and procedures.',
      },
      {
        title: 'Land charges',
        serviceArea: 'back_office',
        leads: [NORTH_SOMERSET],
        phase: 'live',
        phaseReason:
          "Joint working arrangements such as the manager of North Somerset's Land Charges Team now managing the B&NES operation.",
      },
    ],
  },
  {
    name: 'Lancaster and Lancashire shared services programme',
    kind: 'other',
    description:
      'At its meeting on the 5 October 2010 Cabinet resolved that shared accommodation, customer contact services, ' +
      'strategic partnership and winter maintenance services be identified as the four priority areas for the ' +
      'Shared Services Programme (report to Cabinet, 19 April 2011).',
    administering: LANCASTER,
    joinedOn: '2010-10-05',
    members: [LANCASHIRE],
    workstreams: [
      {
        title: 'Shared accommodation',
        serviceArea: 'property_hubs',
        leads: [LANCASTER],
        phase: 'implementation',
        phaseReason:
          'Full terms have been agreed with the county council for their occupation of Palatine Hall.',
        description:
          'Full terms have been agreed with the county council for their occupation of Palatine Hall. Their staff are ' +
          "now moving into the premises on a phased basis. Her Majesty's Revenues & Customs have taken occupation of " +
          'space within the Customer Services Centre at Lancaster Town Hall.',
      },
      {
        title: 'Customer contact services',
        serviceArea: 'access_to_services',
        leads: [LANCASTER, LANCASHIRE],
        phase: 'research',
        description:
          'Opportunities may exist to provide shared face to face and telephony service between the county council ' +
          'and the city council. Officers from both councils are progressing options on this in the context of the ' +
          'strategic partnership between the county council and BT.',
      },
      {
        title: 'Strategic partnership',
        serviceArea: 'ict',
        leads: [LANCASHIRE],
        phase: 'research',
        description:
          'County are undertaking an exercise to procure a strategic partner for ICT & Customer Services with BT. ' +
          'Lancaster City Council agreed to add its name to the OJEU notice.',
      },
      {
        title: 'Winter maintenance services',
        serviceArea: 'roads',
        leads: [LANCASTER, LANCASHIRE],
        phase: 'live',
        phaseReason: 'A shared approach to winter maintenance commenced this winter.',
        description:
          'A shared approach to winter maintenance commenced this winter. We intend to continue with these joint ' +
          'arrangements in 2011/12. Feedback received has been positive.',
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

/** The seven challenges and risks of VfM-4d, as the report lists them (not assessed there). */
const DECATS_RISKS = [
  'Programme not delivered within agreed time scales potential contractual penalties.',
  'Lack of buy-in or commitment within Council to participate in DECATS programme including failure to collate required data and attend appropriate workshop sessions.',
  'Lack of willingness to act on business case opportunities/recommendations, leading to missed opportunities to improve and maximise efficiency outcomes.',
  "Identification of Council's agreed baseline efficiency savings maybe difficult to identify or get a clear Council position.",
  'May lose focus of potential options and benefits to collaborate with the private and/or public sector',
  'Council information in particular bad practice exposed externally through the DECATS programme',
  'Lack of improvement in response to DECATS may be embarrassing for the Council.',
];

/** Leeds' improvement priority VfM-4d, as its report for 1 April – 30 September 2009 gives it. */
export const DECATS = {
  workstream: {
    title: 'VfM-4d Explore opportunities for collaboration with private and public sector bodies',
    serviceArea: 'back_office',
    // Phase 1 of DECATS is a diagnostic whose output is outline business cases.
    phase: 'research',
    description:
      "Exploring opportunities for collaboration is one of the 'Big Ideas' in the Council's Business Plan. " +
      'Phase 1 of DECATS provides a diagnostic tool to identify where we might make efficiency savings ' +
      'through standardising and improving our back office functions.',
  },
  status: {
    rag: 'amber',
    period: '1st April – 30th September 2009',
    asAt: '2009-09-30',
    reason:
      'These discussions have resulted in some delays which is why this has been assessed as amber; however, ' +
      'there is now a robust scope and way forward for this improvement priority and progress is expected ' +
      'to be rapid once the DECATS programme is underway.',
    narrative:
      "The scope of the original collaboration brief had been extended to include all key business processes through PwC's " +
      'transformation diagnostics organisational review tool. It was agreed that the Council join the DECATS programme ' +
      'which will still include the exploration of potential strategic collaborative work with the private and/or public sectors.',
    achievements: [
      'Agreement to extend scope of collaboration brief to cover a comprehensive range of business processes covering all Council services.',
      'Links made to the national DECATS programme with opportunities to gain and share best practice with others.',
      'Buy-in to proposal in principle by CLT, CORs and Resources & Performance Board',
      "Additional efficiency savings above and beyond the Council's baseline target to be identified and delivered",
      'Two thirds of funding (£100K) to be paid by Local Partnerships at risk ie if an additional £1 million of saving are delivered the council pays back £50K and if an additional £5 million of saving are delivered the council pays back another £50K.',
      "DECATS programme to provide baseline for Council's BT Business Management theme/function",
    ].join('\n'),
    challenges: DECATS_RISKS.join('\n'),
  },
  funding: {
    funder: 'Local Partnerships',
    amountPence: 10_000_000,
    atRisk: true,
    description: 'Two thirds of funding (£100K) to be paid by Local Partnerships at risk.',
    repaymentThresholds: [
      { realisedSavingsPence: 100_000_000, repaymentPence: 5_000_000 },
      { realisedSavingsPence: 500_000_000, repaymentPence: 5_000_000 },
    ],
  },
  /** The key actions for the next 6 months, each with its milestones (due at the end of its month). */
  actions: [
    {
      action:
        'Contractual arrangements to join the DECATS programme to be finalised with clearly defined outcomes. Original collaboration brief contract with PwC to be terminated',
      contributors: 'Arfan Hanif, Iain Dunn',
      timescale: 'Nov 2009',
      milestones: [
        { title: 'Original collaboration contract terminated', dueOn: '2009-11-30' },
        { title: 'Contract with Local Partnerships to join DECATS agreed', dueOn: '2009-11-30' },
      ],
    },
    {
      action:
        'Communication Plan outlining strategy to raise awareness about DECATS and empowering the Council to effectively participate in the programme to be agreed and embedded.',
      contributors: 'John McPherson',
      timescale: 'Nov 2009',
      milestones: [
        { title: 'Communication Plan agreed', dueOn: '2009-11-30' },
        {
          title:
            'Communication with key stakeholders including senior managers and nominated Head of Service completed',
          dueOn: '2009-11-30',
        },
      ],
    },
    {
      action: 'DECATS programme to be initiated with agreed timescales and outcomes.',
      contributors: 'Arfan Hanif, Bernard McPheely',
      timescale: 'Nov 2009',
      milestones: [
        { title: 'Contract initiated with buy-in from all key stakeholders', dueOn: '2009-11-30' },
      ],
    },
    {
      action:
        'DECATS programme completed within agreed time scales and business cases identified to maximise efficiency and improvement opportunities',
      contributors: 'Arfan Hanif, Bernard McPheely',
      timescale: 'Apr 2010',
      milestones: [
        { title: 'DECATS programme completed', dueOn: '2010-04-30' },
        { title: 'Business cases identified and opportunities explored', dueOn: '2010-04-30' },
      ],
    },
  ],
  risks: DECATS_RISKS,
};

/**
 * The co-operation agreement of the B&NES Cabinet report of 11 June 2014 (forward plan
 * E 2649): its purposes (section 6.2), legal basis (4.1), each council's £100k from its
 * reserves (3.1), the progress report in 12 months (2.2) and the joint working it frames
 * (6.1). The report records B&NES Cabinet's approval and the Leader's authority to sign; it
 * records no decision of North Somerset's, so the agreement waits for it, in approval.
 */
export const E2649 = {
  agreement: {
    reference: 'E 2649',
    title: 'Co-operation agreement with North Somerset Council',
    summary:
      'A Co-operation agreement to steer and enable the two Councils to work positively together to identify ' +
      'further opportunities to work together. The arrangement proposed is not a contract nor in itself a ' +
      'procurement of service. It does however provide a framework under which a number of activities can be ' +
      "pursued. These projects would still need to be appropriately signed off under the respective organisations' " +
      'constitutions.',
    purposes: [
      'Assist both councils to deliver our respective priorities and ambitions for local communities as set out in our corporate plans',
      'Assist both councils to build our community leadership roles and profiles, in order to secure and protect resources for our communities',
      'Maintain or improve outcomes for our communities, with fewer resources',
      'Build resilience across our organisations and our communities in order to protect and enhance services wherever possible',
      'Share skills and opportunities, enabling us to be more innovative, entrepreneurial and opportunistic.',
    ],
    legalBasis: [
      'Local Government Act 2000, section 2 (promotion or improvement of economic, social or environmental well-being)',
      'Local Government Act 1972',
      'Localism Act 2011',
    ],
    reviewDate: '2015-06-11',
  },
  contribution: {
    contributionPence: 10_000_000,
    contributionDescription: '£100k earmarked from reserves',
  },
  workstreams: [
    'Shared HR and payroll systems and services',
    'Regulatory and trading services',
    'Internal audit for both councils',
    'Land charges',
    'Joint procurement',
  ],
  banesDecision: {
    versionNumber: 1,
    decisionBody: 'Cabinet',
    decisionMaker: 'Cllr Paul Crossley, Leader',
    decidedOn: '2014-06-11',
    reference: 'E 2649',
    reason:
      'That the Cabinet approves the Co-operation agreement attached as Annex 1 and authorises the Leader to sign it ' +
      'on behalf of Bath & North East Council. That cabinet receives a progress report in 12 months on the joint ' +
      'work that is developing.',
  },
};
