/**
 * The demo's progress reports: the five council reports of the design's seeds, as their
 * councils put them, with the seeds' own headings, wording, dates, names and references and
 * nothing the seeds do not give. Each is composed through the API by the owner council's
 * officer from the demo's live data as at the seed's date, then submitted (each went to its
 * meeting); Leeds' VfM-4d is approved by its accountable officer and director on the dates
 * the seed records. B&NES also owes its Cabinet the progress report in 12 months.
 *
 * Paragraphs are separated by a blank line (the API numbers them); a paragraph's own lines
 * (a list, a table row, a sub-heading above its text) by a line break. What a seed has but a
 * report has no place for (Inverclyde's and B&NES' consultation, B&NES' risk management,
 * Lancaster's relationship to policy framework, Leeds' council and partnership groups) is
 * left out rather than put under another heading.
 */
import type {
  ApproveReportDto,
  CreateReportDto,
  CreateScheduleDto,
} from '../reports/dto/report.dto';
import {
  BANES,
  DEMO_PARTNERSHIPS,
  E2649,
  INVERCLYDE,
  LANCASTER,
  LEEDS,
  NORTH_YORKSHIRE,
} from './demo-data';

type ReportBody = Omit<
  CreateReportDto,
  'partnershipId' | 'ownerCouncilId' | 'workstreamIds' | 'agreementIds' | 'scheduleId'
>;

/** A report's section key (purpose, summary, recommendations, background, options, …). */
type SectionKey =
  | 'purpose'
  | 'summary'
  | 'recommendations'
  | 'background'
  | 'options'
  | 'implications'
  | 'background_papers'
  | 'attachments';

export interface DemoReport {
  /** GSS code of the owner council. */
  owner: string;
  /** The partnership reported on, by name (its workstreams, in priority order, by default). */
  partnership?: string;
  /** Agreements reported on, by reference. */
  agreements?: string[];
  body: ReportBody;
  /** The seed's own heading, where it is not the API's default. */
  headings?: Partial<Record<SectionKey, string>>;
  /** Approved by the owner council's admin, as the seed records it. */
  approval?: Omit<ApproveReportDto, 'version'>;
  /** A report the owner council owes on the first agreement reported on. */
  schedule?: Omit<CreateScheduleDto, 'agreementId' | 'workstreamId' | 'partnershipId'>;
}

const paras = (...paragraphs: string[]) => paragraphs.join('\n\n');
const lines = (...ls: string[]) => ls.join('\n');
const partnershipOf = (administering: string) =>
  DEMO_PARTNERSHIPS.find((p) => p.administering === administering)!.name;

// Inverclyde Council, 18 February 2010 (seed 002).

/** The Phase 1 table of 2.5 and 4.12, a line a row: Priority. Work Stream – Lead Authorities. */
const PHASE_1 = [
  '1. An integrated Waste Management Approach – Glasgow and North Lanarkshire',
  '2. An integrated Health and Social Care Service – Renfrewshire (with possible support from Sir John Arbuthnott)',
  '3. Social Transport and Fleet Management – North Lanarkshire and Glasgow',
  '4. Property Sharing and Local Management in Hubs – South Lanarkshire',
  '5. Developing an Approach to the Back Office – East Renfrewshire and Inverclyde',
  '7. Common Charging Framework – East Dunbartonshire',
  '9. Joint Economic Strategy – West Dunbartonshire',
];
const PHASE_1_INTRO =
  'The Clyde Valley Community Planning Partnership agreed that Phase 1, i.e. research into the viability of a ' +
  'shared service or joint working and the development of business cases, will focus on the following work ' +
  'streams and lead authorities have been identified as set out below.';
const LEAD_OFFICERS =
  "Lead authorities for each of the shared services work streams, in consultation with other interested councils, now must identify a lead officer and detail the work stream's scope, remit and one or two immediate milestones for consideration at the next meeting of the Clyde Valley Community Planning Partnership to be held on 12 March 2010.";
const FOLLOW_UP =
  'Many of the work streams will involve other partners, so it has been agreed that the follow up work should now be continued by the Clyde Valley Community Planning Partnership, which will be chaired and administered by West Dunbartonshire Council during 2010.';
const CHIEF_EXECUTIVES =
  'The Chief Executive has met with the Chief Executive of East Renfrewshire Council to discuss how this work stream can best be taken forward.';
const ROADS =
  'Further consideration will be given to possible opportunities for shared services or joint working with regard to roads through the relevant budget work stream.';
const BUSINESS_CASES = 'None at present until business cases have been developed.';

export const INVERCLYDE_REPORT: DemoReport = {
  owner: INVERCLYDE,
  partnership: 'Clyde Valley Community Planning Partnership',
  body: {
    title:
      'Clyde Valley Community Planning Partnership - Review of Joint Working and Shared Services – Next Steps',
    type: 'committee_report',
    meeting: 'Inverclyde Council',
    meetingDate: '2010-02-18',
    reference: 'IC/01/10/PW/MMcK',
    reportBy: 'Corporate Director Improvement and Performance',
    signedBy: 'Paul Wallace, Corporate Director Improvement and Performance',
    contactName: 'Miriam McKenna',
    contactJobTitle: 'Strategic Partnership Manager',
    contactTelephone: '01475 712042',
    periodTo: '2010-02-18',
    visibility: 'partnership',
    purpose: paras(
      'The purpose of this Report is to provide members with an update on the decisions taken by the Clyde Valley Community Planning Partnership on 15 January 2010 with regard to the prioritisation and progression of the works streams identified in the Review Report.',
      'The Report outlines how the decisions taken compare with the position adopted by the Council prior to Christmas, how the Clyde Valley Community Planning Partnership proposes that the work streams will be progressed and the role of lead authorities;',
      "The Report suggests how the Council should engage with the work streams that will be progressed and identifies that discussions will take place with East Renfrewshire Council on the proposed 'joint lead' role in relation to a shared approach to the back office.",
    ),
    summary: paras(
      'The Review of Joint Working and Shared Services published in November 2009 identified a number of work streams suitable for further development.',
      lines(
        'The Clyde Valley Community Planning Partnership agreed on which work streams should be progressed on 15 January 2010. All eight authorities expressed support for the ten work streams identified in full or in principle - the top three work streams prioritised were:',
        '1. An Integrated Waste Management Approach;',
        '2. An Integrated Approach to Health and Social Care; and',
        '3. A Single Social Transport Solution',
      ),
      lines(
        'The other ranked work streams were:',
        '4. Property Sharing and Management in Hubs,',
        '5. Developing an Approach to the Back Office,',
        '6. Joint and Streamlined Fleet Management and Maintenance,',
        '7. A Common Charging Framework,',
        '8. Shared Roads Maintenance,',
        '9. Joint Economic Strategy; and',
        '10. Joint Workforce Planning',
      ),
      lines(
        'The Council agreed on 15 December 2009 to prioritise:',
        '1. An Integrated Waste Management Approach,',
        '2. Shared Roads Maintenance,',
        '3. A Single Social Transport Solution.',
        `It is positive that two of the top three priorities identified by the Council were also prioritised by other authorities and will be progressed as part of Phase 1. ${ROADS}`,
      ),
      lines(PHASE_1_INTRO, ...PHASE_1),
      LEAD_OFFICERS,
      FOLLOW_UP,
      lines(
        "Inverclyde Council agreed will take a 'joint lead' role with East Renfrewshire Council on the work stream in relation to a developing a shared approach to the back office.",
        CHIEF_EXECUTIVES,
      ),
      'The Council has previously expressed concern at the potential diversion of capacity and resources to the development of business cases linked to the various work streams. However, the Council did prioritise both waste and social transport so it is appropriate that relevant officers are identified to participate in the structures set up to progress these work streams.',
    ),
    recommendationsIntro: 'It is recommended that Council:',
    recommendations: [
      'note the current position regarding progress in the implementation of the recommendations of the Review of Joint Working and Shared Services;',
      'agree that that relevant officers are identified to participate in the structures set up to progress the waste and social transport work streams;',
      'note that the Chief Executive has met the Chief Executive of East Renfrewshire Council to discuss how the work stream on a developing a shared approach to the back office will be progressed ; and..',
      'that further updates will be submitted to Policy and Resources Committee when appropriate.',
    ],
    background: paras(
      'Members were advised on 15 December 2009 of the publication of the Review of Joint Working and Shared Services commissioned by the Clyde Valley Community Planning Partnership.',
      'The Committee approved a formal response by the Council to the recommendations made in the Review.',
      'The Report approved by Committee also outlined a clear position for the Council on future discussions with regard to the development of joint working and shared services - the Council will only consider committing to joint working or shared service arrangements that are supported by a robust business case which demonstrates that the new arrangement will improve the quality of the service delivered to local people and secure ongoing efficiencies.',
      'The Report also emphasised that although the Council broadly welcomed the Review and believed that a number of the recommendations were worthy of further development. It also highlighted however that it was important to ensure that any future developments do not conflict with programmes of work already initiated by the Council, for example proposals on asset management or the Future Operating Model.',
      lines(
        'The Committee agreed that it would prioritise those areas where it would be prepared to actively support further development work – these were:',
        '- Waste Management',
        '- Shared Roads Maintenance',
        '- A common Charging Framework',
      ),
      'Members also agreed, in line with the position agreed in March 2009, that a full business case would require to be agreed before the Council would enter into any new arrangement.',
      'In addition given the financial challenges facing the Council over the next few years consideration would also need to be given to the potential opportunity cost to the organisation of diverting officers from activities locally which are intended to help deliver savings.',
      'A meeting of the Clyde Valley Community Planning Partnership took place on 15 January 2010 to consider the prioritisation and progression of the work streams in the Review Report.',
      lines(
        'Although all eight authorities expressed support for the ten work streams in the Review in full or in principle, the top three work streams prioritised by the eight authorities were:',
        '1. An Integrated Waste Management Approach;',
        '2. An Integrated Approach to Health and Social Care; and',
        '3. A Single Social Transport Solution.',
      ),
      lines(
        'The other ranked work streams were:',
        '4. Property Sharing and Management in Hubs,',
        '5. Developing an Approach to the Back Office,',
        '6. Joint and Streamlined Fleet Management and Maintenance,',
        '7. A Common Charging Framework,',
        '8. Shared Roads Maintenance,',
        '9. Joint Economic Strategy: and',
        '10. Joint Workforce Planning',
      ),
      // The seed's list numbering runs on here (4.–6.); the list is 2.4's, numbered as there.
      lines(
        'The Council agreed on 15 December 2009 to prioritise:',
        '1. An Integrated Waste Management Approach,',
        '2. Shared Roads Maintenance,',
        '3. A Single Social Transport Solution.',
        `It is positive that two of the top three priorities identified by the Council were prioritised by other authorities and will be progressed as part of Phase 1. ${ROADS}`,
      ),
      lines(PHASE_1_INTRO, ...PHASE_1),
      LEAD_OFFICERS,
      FOLLOW_UP,
      lines(
        "Inverclyde Council agreed that it will take a 'joint lead' role with East Renfrewshire Council on the work stream in relation to a developing a shared approach to the back office.",
        CHIEF_EXECUTIVES,
      ),
      'The Council has previously expressed concern at the diversion of capacity and resources to the development of business cases linked to the various work streams. However, the Council did prioritise both waste and social transport so it is appropriate that relevant officers are identified to participate in the structures set up to progress these work streams.',
    ),
    implications: {
      legal: BUSINESS_CASES,
      financial: BUSINESS_CASES,
      humanResources: BUSINESS_CASES,
      equality:
        'An impact assessment of business cases will be required in the further development of the recommendations.',
    },
    backgroundPapers: [
      'Report to Policy and Resources Committee – March 2009',
      'Clyde Valley Review Report, November 2009.',
      'Report to Policy and Resources Committee – December 2009',
    ],
  },
};

// Lancaster City Council, Cabinet, 19 April 2011 (seed 001).

export const LANCASTER_REPORT: DemoReport = {
  owner: LANCASTER,
  partnership: partnershipOf(LANCASTER),
  body: {
    title: 'Shared Services Programme',
    type: 'committee_report',
    meeting: 'Cabinet',
    meetingDate: '2011-04-19',
    reference: 'CE/ES/Committee/Cabinet/Shared Services/April2011',
    reportBy: 'Chief Executive',
    contactName: 'Chief Executive',
    contactTelephone: '01524 582011',
    publicItem: true,
    periodTo: '2011-04-19',
    visibility: 'partnership',
    purpose:
      'To report to Cabinet on progress made in developing a shared services programme for the Council as requested as an action from the Corporate Performance Monitoring Report Quarter 1 2010, since the last progress report presented to Cabinet on the 18 January 2011.',
    recommendations: [
      'That Cabinet notes the progress made in developing a Shared Services Programme for the Council, since the last progress report presented to Cabinet on the 18 January 2011.',
      "That officers continue to develop shared service partnership opportunities for achieving service improvements and efficiencies with a view to reporting back as determined by Cabinet and to help achieve future years' savings targets.",
    ],
    background: paras(
      'At its meeting on the 5 October 2010, amongst other things Cabinet resolved that shared accommodation, customer contact services, strategic partnership and winter maintenance services be identified as the four priority areas for the Shared Services Programme.',
      lines(
        'Shared accommodation',
        "Full terms have been agreed with the county council for their occupation of Palatine Hall. Their staff are now moving into the premises on a phased basis. Her Majesty's Revenues & Customs have taken occupation of space within the Customer Services Centre at Lancaster Town Hall.",
        'In addition to these recent agreements, the city council already provides accommodation for Morecambe Town Council, the Registrar and the Coastguard.',
      ),
      lines(
        'Customer contact services',
        "The county council operates services on a part time basis from within the Customer Service Centres at Morecambe and Lancaster Town Halls and the Citizens' Advice Bureau operates one afternoon a week from Morecambe Town Hall by appointment only.",
        'Opportunities may exist to provide shared face to face and telephony service between the county council and the city council. Officers from both councils are progressing options on this in the context of the strategic partnership between the county council and BT.',
        "The logic behind this is that the citizens of the district are customers of both the county and the city councils and the same set of taxpayers for both councils' services.",
      ),
      lines(
        'Strategic partnership',
        'County are undertaking an exercise to procure a strategic partner for ICT & Customer Services with BT. Lancaster City Council agreed to add its name to the OJEU notice.',
        'The benefits from the Strategic Partnership could be significant and an early appraisal of potential benefits, particularly in respect of ICT, should be available in the near future.',
      ),
      lines(
        'Winter maintenance services',
        'A shared approach to winter maintenance commenced this winter. Residents of the district benefitted from the city council working with the county council to deal with the effects of the harshest winter in decades. This ensured that besides the majority of the roads remaining open, priority footways were gritted. As a result the vast majority of services like waste collection continued to be provided. We intend to continue with these joint arrangements in 2011/12. Feedback received has been positive.',
      ),
      'The full range of shared services opportunities that are in development are set out in the attached as Appendix A which provides the latest position on each.',
      'Cabinet are asked to note the progress made to date on each shared service opportunity.',
    ),
    options: paras(
      lines(
        'Option 1',
        'To note the progress being made in respect of the service areas identified in the Appendix and to receive reports back to Cabinet as appropriate to ensure that any service improvements and efficiencies are considered as part of the budget exercise.',
      ),
      lines(
        'Option 2',
        'To note the progress being made in respect of the service areas identified in the Appendix and identify any particular priorities.',
      ),
    ),
    implications: {
      legal:
        'Legal Services have been consulted and there are no legal implications directly arising from this report.',
      financial:
        'There are no direct financial implications arising at this stage, although the progression of the shared service programme is expected to deliver further service efficiencies and/or cashable savings in future.',
      humanResources: 'N/A',
      // "Conclusion of impact assessment (including Diversity, Human Rights, Community Safety, Sustainability etc)"
      equality:
        'The use of business cases to develop options will ensure that benefits identified for introducing shared services will be sustainable and achievable.',
      section151:
        'The S151 Officer has been consulted and has no further comments (subject to seeing final report).',
      monitoringOfficer: 'The Monitoring Officer has been consulted and has no comments to add.',
    },
    backgroundPapers: ['None.'],
    attachments: ['Appendix A'],
  },
  headings: {
    purpose: 'Purpose of Report',
    recommendations: 'Officer Recommendations',
    background: 'Introduction',
    options: 'Options and Options Analysis (including risk analysis)',
    background_papers: 'Background Papers',
  },
};

// Local Government North Yorkshire and York, 12 July 2012 (seed 000).

export const LGNYY_REPORT: DemoReport = {
  owner: NORTH_YORKSHIRE,
  partnership: partnershipOf(NORTH_YORKSHIRE),
  body: {
    title: 'Future Collaboration',
    type: 'partnership_progress_report',
    meeting: 'Local Government North Yorkshire and York',
    meetingDate: '2012-07-12',
    reportBy:
      'Assistant Chief Executive (Policy, Performance and Partnerships), North Yorkshire County Council',
    signedBy:
      'Gary Fielding, Assistant Chief Executive (Policy, Performance and Partnerships), North Yorkshire County Council',
    periodTo: '2012-07-12',
    visibility: 'partnership',
    purpose: 'To update LGNYY on progress relating to a number of collaborative initiatives.',
    // The seed's 2.0 Background and 3.0 Collaborative Initiatives, each under its own heading.
    summary:
      'A report was brought to LGNYY on the 20 January 2012 updating on four discrete areas of joint working. This report builds on those and gives an overview on the collaborative initiatives which were initiated through Regional Improvement & Efficiency partnership (RIEP) funding.',
    recommendations: [
      'Members are requested to note progress and comment on the contents of this report.',
    ],
    background: paras(
      lines(
        'Asset Management',
        '- Work continues on the potential for rationalising public sector occupancy in Malton.',
        '- No further public sector property “hot spots” have been identified subsequently. There is therefore no further planned activity at this stage.',
        '- The data collected remains in place and available should there be appetite for further exploration.',
      ),
      lines(
        'Access to Services',
        '- Development of a business case for closer integration on web site technology continues.',
        '- Work continues on exploring shared contact centre technology. This includes joint procurement for automating telephone calls.',
        '- The District Councils are all looking at a potential joint procurement of idoc – a portal for planning applications.',
      ),
      lines(
        'Fleet Management',
        '- There continues to be active engagement across the councils of fleet management specialists.',
        '- The recent fears of a potential fuel crisis resulted in sharing of information about fuel stocks and draft agreements to share fuel in order to maintain essential services.',
        '- City of York Council led a joint procurement of refuse vehicles.',
        '- Opportunities have been explored between NYCC and Scarborough and NYCC and Ryedale about joint facilities.',
        '- The approach of the group remains largely “opportunistic” and there appears to be a general willingness to continue to explore further opportunities.',
      ),
      lines(
        'ICT',
        '- Whilst this was not an area of opportunity highlighted for short term attention at the previous LGNYY meeting, discussions have taken place with partners across the County.',
        '- A review is being initiated (funded by RIEP legacy) to better understand what opportunities there are for more joined up ICT between the County and the District Councils. Other partners have also been invited but the initial focus has been on the Councils.',
        '- The review is expected to identify the potential benefits but, perhaps more importantly, address some real practical issues that need to be considered. Many of these issues are likely to be technical.',
        '- The outcome of the review will be used to test the appetite for taking the approach further and each organisation will be invited to express an interest or otherwise.',
      ),
      lines(
        'Revenues and Benefits',
        '- This issue is addressed in further detail by the report included elsewhere on the agenda.',
      ),
      'Progress has been slower in some areas than was envisaged in the report to LGNYY in January. This is primarily due to a lack of capacity to progress initiatives within organisations sometimes resulting in non participation.',
    ),
  },
  headings: {
    purpose: 'Purpose of Report',
    summary: 'Background',
    recommendations: 'Recommendation',
    background: 'Collaborative Initiatives',
  },
};

// Leeds City Council, improvement priority VfM-4d, 1 April – 30 September 2009 (seed 004).
// Its achievements, challenges/risks and key actions are the workstream's (demo-data.ts
// DECATS), composed into the report from live data as at 30 September 2009.

export const LEEDS_REPORT: DemoReport = {
  owner: LEEDS,
  body: {
    title:
      'Improvement Priority – VfM-4d Explore opportunities for collaboration with private and public sector bodies',
    type: 'improvement_priority_report',
    reference: 'VfM-4d',
    periodFrom: '2009-04-01',
    periodTo: '2009-09-30',
    purpose:
      "Exploring opportunities for collaboration is one of the 'Big Ideas' in the Council's Business Plan. Through collaboration we are seeking to deliver significant improvements in value for money (vfm) and efficiency. In order to progress this agenda we are taking part in the national Delivering Efficient Corporate And Transactional Services or DECATS programme. Phase 1 of DECATS provides a diagnostic tool to identify where we might make efficiency savings through standardising and improving our back office functions. This will provide a cross-council baseline in terms of the Council's Business and Service Transformation Programmes. The final output of the detailed diagnostic methodology will be a outline business cases and an implementation plan for transformation across all council processes.",
    summary:
      "The scope of the original collaboration brief had been extended to include all key business processes through PwC's transformation diagnostics organisational review tool. Initial contact was made with the Yorkshire and Humber RIEP to examine possible funding opportunities to extend the scope of this work. Lack of commitment from the RIEP resulted in an approach being made directly with Local Partnership's (previously known as 4Ps) DECATS programme with serious consideration given to joining programme with a view to sharing experience and best practice. Benefits and implications of participating in the Local Partnership's DECATS were explored during the summer in conjunction with Chief Officers Resources and Strategy (CORS). It was agreed that the Council join the DECATS programme which will still include the exploration of potential strategic collaborative work with the private and/or public sectors. Local Partnerships are to fund two thirds of costs at 'risk' on the basis the Council will pay for all costs if more than £6 million additional savings can be delivered. These discussions have resulted in some delays which is why this has been assessed as amber; however, there is now a robust scope and way forward for this improvement priority and progress is expected to be rapid once the DECATS programme is underway.",
  },
  headings: { purpose: 'Why is this a priority', summary: 'Overall Summary' },
  approval: {
    accountableOfficer: 'Lee Hemsworth',
    accountableOfficerOn: '2009-10-22',
    accountableDirector: 'James Rogers',
    accountableDirectorOn: '2009-11-09',
  },
};

// Bath & North East Somerset Council, Cabinet, 11 June 2014, E 2649 (seed 003).

export const BANES_REPORT: DemoReport = {
  owner: BANES,
  partnership: partnershipOf(BANES),
  agreements: [E2649.agreement.reference],
  body: {
    title: 'Approach to shared services and Co-operation agreement with North Somerset Council',
    type: 'committee_report',
    meeting: 'Cabinet',
    meetingDate: '2014-06-11',
    forwardPlanReference: 'E 2649',
    wards: 'All',
    publicItem: true,
    contactName: 'David Trethewey',
    contactJobTitle: 'Divisional Director Strategy and Performance',
    contactTelephone: '01225 396353',
    periodTo: '2014-06-11',
    visibility: 'partnership',
    purpose:
      'This paper sets out a high level approach to joint working with other organisations and then sets out joint working that is taking place with North Somerset Council and proposes a Co-operation agreement to steer and enable the two Councils to work positively together to identify further opportunities to work together',
    recommendations: [
      'That the Cabinet approves the Co-operation agreement attached as Annex 1 and authorises the Leader to sign it on behalf of Bath & North East Council.',
      'That cabinet receives a progress report in 12 months on the joint work that is developing.',
    ],
    // 5 The report, 6 Co-operation with North Somerset and 8 Rationale.
    background: paras(
      'The term Shared Services has been used to cover a spectrum of working arrangements from sharing information and intelligence, through joint procurement of services or systems to one service delivering for more than one organisation.',
      'Bath & North East Somerset has a tradition of joint working with others including work with the Primary Care Trust and now the Clinical Commissioning Group.. The One Stop Shops accommodate a wide range of voluntary sector public sector partners, and the range or partners is increasing to include the police. The new office accommodation arrangements for the Council will include workstations and facilities for Fire, Police, Sirona and many others. Services like Pensions are already joint being run by this Council for the whole of the West of England.',
      lines(
        'Local authorities have under successive governments been encouraged to work together and at various points initiatives been developed to drive this further from Local Government Reviews and boundary changes to programmes like Total place and Community Budgets.',
        '- With the scale of change faced by Local Government, collaboration and sharing services has emerged as an area where we need to look actively at the range of opportunities that might exist. In B&NES this approach already happens at essentially three levels',
        '- Removing silos and creating one set of joined up services across the Council to avoid duplication, e.g. Council Connect, ICT centralisation, Corporate Landlord role, Think Local procurement – a One Council approach',
        '- Sharing and collaborating locally within B&NES with key partners and communities, e.g. CCG, advice agencies, DWP, One stop shop',
        '- Sharing and collaborating across boundaries with other LAs. e.g. North Somerset on Audit and Building Control.',
        'Our proposed approach is that we consider (1) further opportunities to join up internally, (2) to work better with our local partners in B&NES as well as (3) with other Councils.',
      ),
      'Any sharing of services will involve a clear understanding of risks and benefits, clarity around governance and leadership and for respective partners to have a thorough understanding of each other. Any contractual arrangements would require appropriate "Due Diligence" to have been carried out.',
      'Members and officers have been informally exploring opportunities with a range of Councils. The most substantial progress to date has been with North Somerset and the following sets out a proposed approach to enable collaboration, sharing of systems and possibly services to develop further similar arrangements with other Councils are possible in the future where there are shared objectives and opportunities.',
      'The Council is part of the Public Service Transformation Network which is facilitated by Government to bring together leading Councils and their partners to work together to deliver services better and more efficiently through collaboration and sharing.',
      lines(
        'CO-OPERATION WITH NORTH SOMERSET',
        'The respective leaders of the B&NES and North Somerset have agreed to look proactively at opportunities for the two Councils to work together on strategic opportunities and shared services. This relationship has been developing over a period of time in a number of ways:',
        '- The two Councils have met to look at opportunities for joint procurement to get better value and maximise greater purchasing power and share skills.',
        '- B&NES is currently evaluating an offer from N Somerset to share the HR/payroll systems and services.',
        '- Collaborative work around Regulatory and trading Services to improve service resilience and look at shared processes and procedures.',
        "- A range of joint working has developed that we now need to take a view of, such as collaboration around aspects of Children's Services.",
        "- Joint working arrangements such as the B&NES Head of Audit leading the delivery of the Internal Audit function for both councils and the manager of North Somerset's Land Charges Team now managing the B&NES operation.",
      ),
      lines(
        'The key purpose of this agreement is to set out how the parties will cooperate in order to:',
        ...E2649.agreement.purposes.map((p) => `- ${p}`),
        '- The Chief Executives have both now informed staff through blogs that the discussions are happening and the next steps are to develop some agreement to capture the purpose and ways of operating and to develop some tangible examples of positive working.',
      ),
      lines(
        'RATIONALE',
        'This approach forms one of a number of approaches the Council can take to meeting the existing and future demands facing it. It is an enabling arrangement and while assisting us to focus our joint efforts does not preclude either organisation from pursuing other approaches to the challenges it faces.',
      ),
    ),
    options:
      'The proposals in this report are enabling and other options remain open and are able to be considered.',
    implications: {
      // 4 Statutory considerations and basis for proposal.
      legal: lines(
        'Under section 2 of the Local Government Act 2000 the Council has the power to do anything which they consider is likely to achieve the promotion or improvement of the economic, social or environmental well-being of the area. There are additional powers to work together in the Local Government Act 1972 and the Localism Act 2011',
        'The arrangement proposed is not a contract nor in itself a procurement of service. It does however provide a framework under which a number of activities can be pursued. These projects would still need to be appropriately signed off under the respective organisations constitutions.',
      ),
      // 3 Resource implications (finance, property, people).
      financial:
        'There are some costs of developing joint working, some limited programme management is needed to ensure that the organisations are appropriately prioritising opportunities and ensuring proper process are followed. Additionally there will be the need for specialist advice on some of the potential activities concerning procurement of any shared services or systems and the respective responsibilities of the two Councils in the arrangements. At this stage the two Councils have proposed earmarking £100k each from their respective reserves to enable this work to be pursued.',
    },
    attachments: ['Appendix 1 – Draft co-operation agreement'],
  },
  headings: {
    purpose: 'The Issue',
    recommendations: 'Recommendation',
    background: 'The Report',
    options: 'Other Options Considered',
    attachments: 'List of attachments to this report',
  },
  // Recommendation 2.2, on the agreement (its review date, 11 June 2015).
  schedule: {
    title: 'Progress report in 12 months on the joint work that is developing',
    meeting: 'Cabinet',
    dueOn: '2015-06-11',
  },
};

export const DEMO_REPORTS: DemoReport[] = [
  INVERCLYDE_REPORT,
  LANCASTER_REPORT,
  LGNYY_REPORT,
  LEEDS_REPORT,
  BANES_REPORT,
];

type Method = 'GET' | 'POST' | 'PATCH';
/** The demo's API client (demo.ts): a call as a signed-in user; a 4xx or 5xx throws. */
export interface DemoApi {
  as(
    email: string,
    method: Method,
    url: string,
    payload?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
}

interface Section {
  id: string;
  key: string;
  version: number;
}

/**
 * Composes each report as its owner council's officer, gives its sections the seed's
 * headings, submits it and, where the seed records it, has the council's admin approve it;
 * then schedules what the owner council still owes. Runs after the agreements exist.
 */
export async function seedReports(
  api: DemoApi,
  officer: Map<string, string>,
  admin: Map<string, string>,
): Promise<void> {
  for (const r of DEMO_REPORTS) {
    const email = officer.get(r.owner)!;
    const partnershipId =
      r.partnership && (await idOf(api, email, '/partnerships', 'name', r.partnership));
    const agreementIds: string[] = [];
    for (const reference of r.agreements ?? []) {
      agreementIds.push(await idOf(api, email, '/agreements', 'reference', reference));
    }
    let report = await api.as(email, 'POST', '/reports', {
      ...r.body,
      partnershipId,
      agreementIds: agreementIds.length ? agreementIds : undefined,
    });
    const path = `/reports/${report.id as string}`;
    for (const [key, heading] of Object.entries(r.headings ?? {})) {
      const section = (report.sections as Section[]).find((s) => s.key === key);
      if (!section) throw new Error(`${r.body.title}: no ${key} section to head "${heading}"`);
      report = await api.as(email, 'PATCH', `${path}/sections/${section.id}`, {
        version: section.version,
        heading,
      });
    }
    report = await api.as(email, 'POST', `${path}/submit`, { version: report.version });
    if (r.approval) {
      await api.as(admin.get(r.owner)!, 'POST', `${path}/approve`, {
        version: report.version,
        ...r.approval,
      });
    }
    if (r.schedule) {
      await api.as(email, 'POST', '/report-schedules', {
        ...r.schedule,
        agreementId: agreementIds[0],
      });
    }
  }
}

/** The id of the one row of a list the caller can see whose `field` is `value`. */
async function idOf(
  api: DemoApi,
  email: string,
  list: string,
  field: string,
  value: string,
): Promise<string> {
  const page = await api.as(email, 'GET', `${list}?limit=100`);
  const found = (page.data as Record<string, unknown>[]).filter((row) => row[field] === value);
  if (found.length !== 1) throw new Error(`${list}: ${found.length} rows with ${field} ${value}`);
  return found[0].id as string;
}
