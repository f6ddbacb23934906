//! `litscope import`: every real export in `../shared/fixtures/exports/` gives the record count
//! its MANIFEST.md states, with the expected first and last record; plus the wiring: run log,
//! duplicate files, `--strict`, `--format json`, diagnostics with file and line, encodings,
//! line endings and `status`.

use crate::common::{TestWorkspace, stderr};
use serde_json::Value;
use std::path::PathBuf;

struct Expect {
    file: &'static str,
    /// Accepted range of imported records (MANIFEST.md).
    count: (u64, u64),
    /// Title, first author's family name, year, DOI.
    first: (
        Option<&'static str>,
        Option<&'static str>,
        Option<i64>,
        Option<&'static str>,
    ),
    last: (
        Option<&'static str>,
        Option<&'static str>,
        Option<i64>,
        Option<&'static str>,
    ),
}

const EXPECTED: &[Expect] = &[
    Expect {
        file: "bibtex/biblatex-examples_srdedupe_mini_scopus.bib",
        count: (90, 92),
        first: (
            Some(
                "The True Frontier: Confronting and Avoiding the Realities of Space in American Science Fiction Films",
            ),
            Some("Westfahl"),
            None,
            None,
        ),
        last: (
            Some("High-Resolution Micromachined Interferometric Accelerometer"),
            Some("Loh"),
            Some(1992),
            None,
        ),
    },
    Expect {
        file: "bibtex/cp1252_jabref_encoding-windows-1252-with-header.bib",
        count: (1, 1),
        first: (None, None, None, None),
        last: (None, None, None, None),
    },
    Expect {
        file: "bibtex/jabref51_bbt_groups-1641.bib",
        count: (20, 20),
        first: (
            Some("Fleece: Imperial metabolism in the pre\u{AD}Columbian Andes"),
            Some("Bogadóttir"),
            Some(2012),
            None,
        ),
        last: (
            Some("Lucretius II: An Ethics of Motion"),
            Some("Nail"),
            Some(2020),
            None,
        ),
    },
    Expect {
        file: "bibtex/mendeley_bbt_web_page_and_other_mendeley_idiocy.bib",
        count: (512, 512),
        first: (
            Some(
                "Fiction and morality: Investigating the associations between reading exposure, empathy, morality, and moral judgment",
            ),
            Some("Black"),
            Some(2020),
            Some("10.1037/ppm0000281"),
        ),
        last: (
            Some("The Further Adventures of Hermione Granger"),
            Some("Doyle"),
            Some(2011),
            None,
        ),
    },
    Expect {
        file: "bibtex/scopus_synthesisr_Scopus_bib_example.bib",
        count: (3, 3),
        first: (
            Some(
                "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake Taihu, China",
            ),
            Some("Li"),
            Some(2020),
            Some("10.1080/20964129.2020.1722034"),
        ),
        last: (
            Some("Application of Digital Processing in Relic Image Restoration Design"),
            Some("Tang"),
            Some(2020),
            Some("10.1007/s11220-019-0265-8"),
        ),
    },
    Expect {
        file: "bibtex/utf16le-bom_jabref_tiny-LE-withBOM.bib",
        count: (1, 1),
        first: (
            Some("Investigation of the best suture pattern to close a stuffed Christmas turkey"),
            Some("Verwilghen"),
            Some(2011),
            Some("10.1136/vr.d6221"),
        ),
        last: (
            Some("Investigation of the best suture pattern to close a stuffed Christmas turkey"),
            Some("Verwilghen"),
            Some(2011),
            Some("10.1136/vr.d6221"),
        ),
    },
    Expect {
        file: "bibtex/wos_colrev_web_of_science_bib.bib",
        count: (2, 2),
        first: (
            Some("Inproceedings Title"),
            Some("Writerone"),
            Some(2017),
            Some("10.1007/999-9-999-99999-9_3"),
        ),
        last: (
            Some("A dummy title's"),
            Some("Articlewriter"),
            Some(2022),
            Some("10.1111/artjul.2021.0011"),
        ),
    },
    Expect {
        file: "bibtex/zotero-bbt_bbt_unabbreviate-1436-1.bib",
        count: (506, 506),
        first: (
            Some(
                "Intersubband Absorption in Si- and Ge-Doped GaN/AlN Heterostructures in Self-Assembled Nanowire and 2D Layers",
            ),
            Some("Ajay"),
            Some(2017),
            Some("10.1002/pssb.201600734"),
        ),
        last: (
            Some("Electron-Phonon Relaxation and Excited Electron Distribution in Gallium Nitride"),
            Some("Zhukov"),
            Some(2016),
            Some("10.1063/1.4961874"),
        ),
    },
    Expect {
        file: "csv/embase_asreview_embase.csv",
        count: (6, 6),
        first: (
            Some("Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"),
            Some("Liu"),
            Some(2014),
            Some("10.4103/2303-9027.138783"),
        ),
        last: (
            Some(
                "Completely Isolated Retroperitoneal Enteric Duplication Cyst with Adenocarcinoma Transformation Managed with Robotic Radical Nephrectomy",
            ),
            Some("Faraj"),
            Some(2017),
            Some("10.1089/cren.2017.0016"),
        ),
    },
    Expect {
        file: "csv/ieee_litstudy_ieee.csv",
        count: (10, 10),
        first: (
            Some(
                "Exascale Computing Trends: Adjusting to the \"New Normal\"' for Computer Architecture",
            ),
            Some("Kogge"),
            Some(2013),
            Some("10.1109/mcse.2013.95"),
        ),
        last: (
            Some("Methodology and Application of HPC: I/O Characterization with MPIProf and IOT"),
            Some("Chang"),
            Some(2016),
            Some("10.1109/espt.2016.005"),
        ),
    },
    Expect {
        file: "csv/lens_bibliometrix_lens_sample.csv",
        count: (8, 8),
        first: (
            Some(
                "Dynamic real-time risk analytics of uncontrollable states in complex internet of things systems: cyber risk at the edge",
            ),
            Some("Radanliev"),
            Some(2020),
            Some("10.1007/s10669-020-09792-x"),
        ),
        last: (
            Some("Un análisis bibliométrico del brand equity 1991 - 2018"),
            Some("Chaves"),
            Some(2019),
            Some("10.46661/revmetodoscuanteconempresa.3298"),
        ),
    },
    Expect {
        file: "csv/pubmed_colrev_pubmed_csv.csv",
        count: (1, 1),
        first: (
            Some("Paper title"),
            Some("Smith"),
            Some(2021),
            Some("10.1111/nature1111"),
        ),
        last: (
            Some("Paper title"),
            Some("Smith"),
            Some(2021),
            Some("10.1111/nature1111"),
        ),
    },
    Expect {
        file: "csv/scopus_bibliometrix_scopus_sample.csv",
        count: (8, 8),
        first: (
            Some(
                "Quantitative analysis of studies that use artificial intelligence on spinal diseases: A bibliometric analysis",
            ),
            Some("Liu"),
            Some(2026),
            Some("10.1177/20552076261415846"),
        ),
        last: (
            Some(
                "Evidences and perspectives of transjugular intrahepatic portosystemic shunt: A bibliometric analysis from 1990 to 2024",
            ),
            Some("Li"),
            Some(2025),
            Some("10.1097/md.0000000000046229"),
        ),
    },
    Expect {
        file: "csv/springer_litstudy_springer.csv",
        count: (18, 18),
        first: (
            Some("Graph-Based Load Balancing Model for Exascale Computing Systems"),
            Some("Aliev"),
            Some(2022),
            Some("10.1007/978-3-030-92127-9_33"),
        ),
        last: (
            Some("Against the Grain: The Tragedy of Zimbabwe in the Context of 4IR"),
            Some("Saidi"),
            Some(2022),
            Some("10.1007/978-3-030-87524-4_4"),
        ),
    },
    Expect {
        file: "endnote-xml/endnote_jabref_EndnoteXmlImporterTestLabelAndMultiTitle.xml",
        count: (3, 3),
        first: (
            Some(
                "An ecological basis for reforestation of submariginal lands in the Central Hardwood Region",
            ),
            Some("Chapman"),
            Some(1937),
            None,
        ),
        last: (
            Some(
                "A demographic study of the south polar skua Catharacta maccormicki at Cape Crozier",
            ),
            Some("Ainley"),
            Some(1990),
            None,
        ),
    },
    Expect {
        file: "enw/ais-elibrary_colrev_ais_enl.txt",
        count: (6, 6),
        first: (
            Some(
                "How Trust Leads to Commitment on Microsourcing Platforms: Unraveling the Effects of Governance and Third-Party Mechanisms on Triadic Microsourcing Relationships",
            ),
            Some("Guo"),
            Some(2021),
            None,
        ),
        last: (
            Some(
                "IT INNOVATIONS AND ENTREPRENEURSHIP IN EMERGING ECONOMIES - IS CLOUD COMPUTING A MAGIC INGREDIENT FOR EGYPTIAN ENTREPRENEURS?",
            ),
            Some("El-Gazzar"),
            Some(2017),
            None,
        ),
    },
    Expect {
        file: "enw/endnote_srdedupe_mini_endnote.enw",
        count: (2, 2),
        first: (
            Some("WoodProperty.tw: a wood property database for tree and bamboo species in Taiwan"),
            Some("Su"),
            Some(2025),
            Some("10.6165/tai.2025.70.58"),
        ),
        last: (
            Some("Shortcuts for faster image creation in PyMOL"),
            Some("Mooers"),
            Some(2020),
            Some("10.1002/pro.12345"),
        ),
    },
    Expect {
        file: "nbib/medline_metaknowledge_medline_test.medline",
        count: (175, 175),
        first: (
            Some("Bioinformatic survey of ABC transporters in dermatophytes."),
            Some("Gadzalski"),
            Some(2016),
            Some("10.1016/j.gene.2015.10.064"),
        ),
        last: (
            Some(
                "Evaluation of the frequency of G-765C polymorphism in the promoter region of the COX-2 gene and its correlation with the expression of this gene in the endometriu",
            ),
            None,
            Some(2016),
            None,
        ),
    },
    Expect {
        file: "nbib/pubmed_revtools_restoration_pubmed.nbib",
        count: (104, 104),
        first: (
            Some(
                "Ecosystem services changes between 2000 and 2015 in the Loess Plateau, China: A response to ecological restoration.",
            ),
            Some("Wu"),
            Some(2019),
            Some("10.1371/journal.pone.0209483"),
        ),
        last: (
            Some(
                "LONG-TERM FOLLOW-UP OF RETINAL PIGMENT EPITHELIUM RESTORATION AFTER A TRIPLE TEAR.",
            ),
            Some("Zahid"),
            Some(2019),
            Some("10.1097/icb.0000000000000530"),
        ),
    },
    Expect {
        file: "nbib/pubmed_synthesisr_PubMed_example.txt",
        count: (3, 3),
        first: (
            Some(
                "Differences in nitrate and phosphorus export between wooded and grassed riparian zones from farmland to receiving waterways under varying rainfall conditions.",
            ),
            Some("Neilen"),
            Some(2017),
            Some("10.1016/j.scitotenv.2017.04.075"),
        ),
        last: (
            Some(
                "Mulch and groundcover effects on soil temperature and moisture, surface reflectance, grapevine water potential, and vineyard weed management.",
            ),
            Some("Bavougian"),
            Some(2018),
            Some("10.7717/peerj.5082"),
        ),
    },
    Expect {
        file: "ris/ebsco-asp_synthesisr_ASP_ris_example.ris",
        count: (4, 4),
        first: (
            Some(
                "“Living on the edge”: The role of field margins for common vole (Microtus arvalis) populations in recently colonised Mediterranean farmland.",
            ),
            Some("Rodríguez-Pastor"),
            Some(2016),
            Some("10.1016/j.agee.2016.06.041"),
        ),
        last: (
            Some("2ZGK-6 型可调宽窄行高速水稻插秧机设计与试验."),
            Some("朱德泉"),
            Some(2016),
            Some("10.11975/j.issn.1002-6819.2016.21.005"),
        ),
    },
    Expect {
        file: "ris/ebsco-psycinfo_citesource_psycinfo_64.ris",
        count: (64, 64),
        first: (
            Some(
                "The different role of trait empathy and state social exclusion empathy on subsequent feelings about gambling outcome：Evidence from event-related potentials and time-frequency decompositions",
            ),
            Some("Lyu"),
            Some(2022),
            Some("10.1016/j.neuropsychologia.2022.108369"),
        ),
        last: (
            Some("Psychological addiction to television: Scale development and validation"),
            Some("Horvath"),
            Some(2000),
            None,
        ),
    },
    Expect {
        file: "ris/embase_asreview_embase.ris",
        count: (6, 6),
        first: (
            Some("Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"),
            Some("Liu"),
            Some(2014),
            Some("10.4103/2303-9027.138783"),
        ),
        last: (
            Some(
                "Completely Isolated Retroperitoneal Enteric Duplication Cyst with Adenocarcinoma Transformation Managed with Robotic Radical Nephrectomy",
            ),
            Some("Faraj"),
            Some(2017),
            Some("10.1089/cren.2017.0016"),
        ),
    },
    Expect {
        file: "ris/endnote_asysd_ris_export.txt",
        count: (69, 69),
        first: (
            Some(
                "Altered metabolism of familial Alzheimer's disease-linked amyloid precursor protein variants in yeast artificial chromosome transgenic mice",
            ),
            Some("Wagner"),
            Some(1997),
            Some("10.1093/hmg/6.9.1535"),
        ),
        last: (
            Some("The amyloid precursor protein: beyond amyloid"),
            Some("Zheng"),
            Some(2006),
            Some("10.1186/1750-1326-1-5"),
        ),
    },
    Expect {
        file: "ris/jstor_colrev_jstor_ris.ris",
        count: (4, 4),
        first: (
            Some("This is the title - charset UTF-8 used"),
            Some("Lastname"),
            Some(2016),
            None,
        ),
        last: (
            Some("This title is of type RPRT"),
            Some("Writer-One"),
            Some(2018),
            None,
        ),
    },
    Expect {
        file: "ris/ovid_synthesisr_Ovid_ris_example.ris",
        count: (4, 4),
        first: (
            Some("Detection of retention trees on clearcuts, a 50-year perspective."),
            Some("Holmstrom"),
            Some(2020),
            Some("10.4236/ojf.2020.101008"),
        ),
        last: (
            Some(
                "Diversity of yard plants in the buffer zone of the Cyclop Nature Reserve, Jayapura City Papua Province, Indonesia.",
            ),
            Some("Antoh"),
            Some(2019),
            None,
        ),
    },
    Expect {
        file: "ris/pubmed_citesource_pubmed_46.ris",
        count: (46, 46),
        first: (
            Some(
                "Psychosocial Perspective on Problem Gambling: The role of Social Relationships, Resilience, and COVID-19 Worry.",
            ),
            Some("Sirola"),
            Some(2023),
            Some("10.1007/s10899-022-10185-9"),
        ),
        last: (
            Some("Sex differences in pathological gambling using gaming machines."),
            Some("Ohtsuka"),
            Some(1997),
            Some("10.2466/pr0.1997.80.3.1051"),
        ),
    },
    Expect {
        file: "ris/rayyan_asreview_ris_issue_992.txt",
        count: (19, 19),
        first: (
            Some("Overcoming Medication Reconciliation Challenges"),
            None,
            Some(2011),
            None,
        ),
        last: (
            Some("Behavioral health care quality among marketplace insurers in 2019"),
            Some("Abraham"),
            Some(2021),
            Some("10.1176/appi.ps.202000115"),
        ),
    },
    Expect {
        file: "ris/scopus_synthesisr_scopus.ris",
        count: (92, 92),
        first: (
            Some(
                "Black-backed woodpecker occupancy in burned and beetle-killed forests: Disturbance agent matters",
            ),
            Some("Tingley"),
            Some(2020),
            Some("10.1016/j.foreco.2019.117694"),
        ),
        last: (
            Some(
                "Foraging behavior of black-backed and three-toed woodpeckers during spring and summer in a Canadian boreal forest",
            ),
            Some("Villard"),
            Some(1994),
            Some("10.1139/z94-266"),
        ),
    },
    Expect {
        file: "ris/wos_citesource_WoS_79.ris",
        count: (79, 79),
        first: (
            Some(
                "Marital Status and Problem Gambling among Older Adults: An Examination of Social Context and Social Motivations",
            ),
            Some("Elton-Marshall"),
            Some(2018),
            Some("10.1017/s071498081800017x"),
        ),
        last: (
            Some("Two Nice Girls: The Psychogeography of Renee Vivien and Romaine Brooks"),
            Some("Hawthorne"),
            Some(2017),
            Some("10.1080/14787318.2017.1285132"),
        ),
    },
    Expect {
        file: "ris/zotero_asreview_baseline_zotero.ris",
        count: (100, 100),
        first: (
            Some(
                "An open source machine learning framework for efficient and transparent systematic reviews",
            ),
            Some("van de Schoot"),
            Some(2021),
            Some("10.1038/s42256-020-00287-7"),
        ),
        last: (
            Some(
                "Efficacy and safety of selective glucocorticoid receptor modulators in comparison to glucocorticoids in arthritis, a systematic review",
            ),
            Some("Safy"),
            Some(2017),
            Some("10.1371/journal.pone.0188810"),
        ),
    },
    Expect {
        file: "wos/wos-tabdelimited-mac_synthesisr_WoS_biosis.txt",
        count: (145, 145),
        first: (
            Some(
                "Cross-scale occupancy dynamics of a postfire specialist in response to variation across a fire regime",
            ),
            Some("Tingley"),
            Some(2018),
            Some("10.1111/1365-2656.12851"),
        ),
        last: (
            Some(
                "The present status of the Leopard Moth, Zeuzera pyrina L. , in the United States",
            ),
            Some("BRITTON"),
            Some(1929),
            None,
        ),
    },
    Expect {
        file: "wos/wos_bibliometrix_wos_sample.txt",
        count: (8, 8),
        first: (
            Some(
                "Mapping the application of Geographic Information System (GIS) in real estate: a bibliometric analysis using bibliometrix and QGIS",
            ),
            Some("Toh"),
            Some(2026),
            Some("10.1080/00396265.2026.2635057"),
        ),
        last: (
            Some(
                "PubMedMetaTool: Automated metadata extraction from PubMed using Python for bibliometric analysis",
            ),
            Some("Souza"),
            Some(2025),
            Some("10.1016/j.simpa.2025.100766"),
        ),
    },
    Expect {
        file: "wos/wos_metaknowledge_savedrecs.txt",
        count: (32, 32),
        first: (
            Some(
                "EXPERIMENTS IN PHENOMENOLOGICAL ELECTRODYNAMICS AND THE ELECTROMAGNETIC ENERGY-MOMENTUM TENSOR",
            ),
            Some("BREVIK"),
            Some(1979),
            Some("10.1016/0370-1573(79)90074-7"),
        ),
        last: (
            Some(
                "INTERNAL PHOTON IMPULSE OF DIELECTRIC AND ON COUPLE APPLIED TO ANISOTROPIC CRYSTAL",
            ),
            Some("BEAUREGA.OC"),
            Some(1974),
            None,
        ),
    },
    Expect {
        file: "wos/wos_revtools_restoration_WoS.ciw",
        count: (247, 247),
        first: (
            Some(
                "Do magnetic phosphorus adsorbents used for lake restoration impact on zooplankton community?",
            ),
            Some("Alvarez-Manzaneda"),
            Some(2019),
            Some("10.1016/j.scitotenv.2018.11.375"),
        ),
        last: (
            Some("SAR IMAGE RESTORATION VIA A NL APPROACH BASED ON THE KS TEST"),
            Some("Ferraioli"),
            Some(2018),
            None,
        ),
    },
    Expect {
        file: "wos/wos_synthesisr_WoS_txt_example.txt",
        count: (4, 4),
        first: (
            Some(
                "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake Taihu, China",
            ),
            Some("Li"),
            Some(2020),
            Some("10.1080/20964129.2020.1722034"),
        ),
        last: (
            Some(
                "miR-324-5p inhibits gallbladder carcinoma cell metastatic behaviours by downregulation of transforming growth factor beta 2 expression.",
            ),
            Some("Zhang"),
            Some(2020),
            Some("10.1080/21691401.2019.1703724"),
        ),
    },
    Expect {
        file: "wos/zoorec_synthesisr_zoorec.txt",
        count: (134, 134),
        first: (
            Some(
                "Nest site selection and nest survival of Black-backed Woodpeckers after wildfire.",
            ),
            Some("Stillman"),
            Some(2019),
            None,
        ),
        last: (
            Some("A review of the Three-toed Woodpeckers of North America."),
            Some("Bangs"),
            Some(1900),
            None,
        ),
    },
];

fn exports_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/exports");
    assert!(
        dir.join("MANIFEST.md").exists(),
        "{} is missing: the import tests need the shared fixtures in ../shared/ beside the repository",
        dir.display()
    );
    dir
}

fn summary(r: &Value) -> (Option<String>, Option<String>, Option<i64>, Option<String>) {
    let first_author = r["authors"].get(0).and_then(|a| {
        a["family"]
            .as_str()
            .or(a["name"].as_str())
            .map(String::from)
    });
    (
        r["title"].as_str().map(String::from),
        first_author,
        r["year"].as_i64(),
        r["doi"].as_str().map(String::from),
    )
}

fn owned(
    e: (Option<&str>, Option<&str>, Option<i64>, Option<&str>),
) -> (Option<String>, Option<String>, Option<i64>, Option<String>) {
    (
        e.0.map(String::from),
        e.1.map(String::from),
        e.2,
        e.3.map(String::from),
    )
}

#[test]
fn every_real_export_gives_its_manifest_count_and_records() {
    let dir = exports_dir();
    // Every export in the folder is listed here, so a new fixture cannot go unchecked.
    let mut on_disk: Vec<String> = Vec::new();
    for sub in std::fs::read_dir(&dir).unwrap() {
        let sub = sub.unwrap().path();
        if sub.is_dir() {
            for f in std::fs::read_dir(&sub).unwrap() {
                let f = f.unwrap().path();
                on_disk.push(f.strip_prefix(&dir).unwrap().display().to_string());
            }
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|e| e.file.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "fixtures and expectations differ");

    let ws = TestWorkspace::new();
    for (i, e) in EXPECTED.iter().enumerate() {
        let name = format!("db{i}");
        let path = dir.join(e.file);
        let (json, out) = ws.json(&["import", path.to_str().unwrap(), "--name", &name]);
        assert!(out.status.success(), "{}: {}", e.file, stderr(&out));
        let imported = json["imported"].as_u64().unwrap();
        let skipped = json["skipped"].as_u64().unwrap();
        assert!(
            (e.count.0..=e.count.1).contains(&imported),
            "{}: imported {imported}, MANIFEST says {:?}",
            e.file,
            e.count
        );
        assert_eq!(skipped, 0, "{}: {}", e.file, stderr(&out));
        let format = e.file.split('/').next().unwrap();
        assert_eq!(json["files"][0]["format"], format, "{}", e.file);
        let records = ws.records(&name);
        assert_eq!(records.len() as u64, imported, "{}", e.file);
        assert_eq!(
            summary(&records[0]),
            owned(e.first),
            "{}: first record",
            e.file
        );
        assert_eq!(
            summary(records.last().unwrap()),
            owned(e.last),
            "{}: last record",
            e.file
        );
        for r in &records {
            assert_eq!(r["provenance"]["source"], name.as_str());
            assert!(r["raw"].is_object(), "{}: raw payload", e.file);
        }
    }
}

#[test]
fn the_same_file_twice_is_not_doubled_and_is_logged_once() {
    let ws = TestWorkspace::new();
    let path = exports_dir().join("ris/scopus_synthesisr_scopus.ris");
    let p = path.to_str().unwrap();
    let (first, _) = ws.json(&["import", p, "--name", "scopus"]);
    assert_eq!(first["imported"], 92);
    let (again, out) = ws.json(&["import", p, "--name", "scopus"]);
    assert!(out.status.success());
    assert_eq!(again["imported"], 0);
    assert_eq!(again["files"][0]["duplicate_file"], true);
    assert!(
        stderr(&out).contains("already imported"),
        "{}",
        stderr(&out)
    );
    assert_eq!(ws.records("scopus").len(), 92);
    // One line when the import started, one when it finished.
    let log = ws.runlog();
    let kinds: Vec<&str> = log.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["import-started", "import"]);
    assert_eq!(log[0]["file"], p);
    let log = &log[1..];
    let line = &log[0];
    assert_eq!(line["kind"], "import");
    assert_eq!(line["database"], "scopus");
    assert_eq!(line["file"], p);
    assert_eq!(line["format"], "ris");
    assert_eq!(line["read"], 92);
    assert_eq!(line["imported"], 92);
    assert_eq!(line["sha256"].as_str().unwrap().len(), 64);
    assert!(line["tool"].as_str().unwrap().starts_with("litscope "));
    // The database counts as imported in status.
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["records"]["imported"], 92);
    assert_eq!(status["sources"]["scopus"], 92);
    assert_eq!(status["imports"]["files"], 1);
    let text = crate::common::stdout(&ws.ok(&["status"]));
    assert!(text.contains("92 imported"), "{text}");
    assert!(text.contains("1 file imported"), "{text}");
}

#[test]
fn json_shape_default_name_and_ids_stable_across_workspaces() {
    let ws = TestWorkspace::new();
    ws.write(
        "exports/My Export (2).csv",
        "id,title,authors,year,doi\nr1,First,\"Smith, J; Doe, A\",2001,10.1000/A\nr2,Second,Roe R,2002,\n",
    );
    let (json, out) = ws.json(&["import", "exports/My Export (2).csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["imported"], 2);
    assert_eq!(json["skipped"], 0);
    let f = &json["files"][0];
    for key in [
        "file", "format", "encoding", "read", "imported", "skipped", "sha256",
    ] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    assert_eq!(f["format"], "csv");
    assert_eq!(f["encoding"], "utf-8");
    assert_eq!(f["read"], 2);
    let records = ws.records("my-export-2");
    assert_eq!(records[0]["provenance"]["source_id"], "r1");
    assert_eq!(records[0]["doi"], "10.1000/a");
    assert_eq!(records[1]["authors"][0]["family"], "Roe");
    // Same file, other workspace: same record ids.
    let other = TestWorkspace::new();
    other.write(
        "exports/My Export (2).csv",
        &std::fs::read_to_string(ws.root.join("exports/My Export (2).csv")).unwrap(),
    );
    other.ok(&["import", "exports/My Export (2).csv"]);
    let ids = |w: &TestWorkspace| -> Vec<Value> {
        w.records("my-export-2")
            .iter()
            .map(|r| r["id"].clone())
            .collect()
    };
    assert_eq!(ids(&ws), ids(&other));
}

const BROKEN_RIS: &str = "TY  - JOUR\nTI  - Good one\nER  - \n\nTY  - JOUR\nER  - \n\nTY  - JOUR\nTI  - Good two\nER  - \n";

#[test]
fn a_broken_record_is_skipped_with_file_and_line() {
    let ws = TestWorkspace::new();
    ws.write("broken.ris", BROKEN_RIS);
    let (json, out) = ws.json(&["import", "broken.ris", "--name", "db"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["imported"], 2);
    assert_eq!(json["skipped"], 1);
    assert_eq!(json["files"][0]["read"], 3);
    let err = stderr(&out);
    assert!(err.contains("broken.ris:5:"), "{err}");
    assert_eq!(ws.records("db").len(), 2);
}

#[test]
fn strict_imports_nothing_when_a_record_is_skipped() {
    let ws = TestWorkspace::new();
    ws.write("broken.ris", BROKEN_RIS);
    ws.write("good.ris", "TY  - JOUR\nTI  - Fine\nER  - \n");
    let out = ws.run(&[
        "import",
        "good.ris",
        "broken.ris",
        "--name",
        "db",
        "--strict",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("broken.ris:5:"));
    assert!(ws.records("db").is_empty());
    assert!(ws.runlog().is_empty());
    // Without the broken file, --strict imports.
    ws.ok(&["import", "good.ris", "--name", "db", "--strict"]);
    assert_eq!(ws.records("db").len(), 1);
}

#[test]
fn encodings_and_line_endings_are_read_and_reported() {
    let ws = TestWorkspace::new();
    // Windows-1252: é = 0xE9, “ ” = 0x93 0x94.
    std::fs::write(
        ws.root.join("cp1252.ris"),
        b"TY  - JOUR\r\nTI  - Caf\xE9 \x93culture\x94\r\nAU  - M\xFCller, J\r\nER  - \r\n",
    )
    .unwrap();
    // UTF-16 LE without BOM.
    let utf16: Vec<u8> = "TY  - JOUR\nTI  - Søren’s study\nER  - \n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(ws.root.join("utf16.ris"), utf16).unwrap();
    // Classic Mac CR-only MEDLINE.
    std::fs::write(
        ws.root.join("mac.nbib"),
        "PMID- 1\rTI  - A title\r      continued\rFAU - Doe, Jane\r\rPMID- 2\rTI  - Two\r",
    )
    .unwrap();
    let (json, out) = ws.json(&[
        "import",
        "cp1252.ris",
        "utf16.ris",
        "mac.nbib",
        "--name",
        "db",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = json["files"].as_array().unwrap();
    assert_eq!(files[0]["encoding"], "windows-1252");
    assert!(files[0]["repairs"].to_string().contains("windows-1252"));
    assert_eq!(files[1]["encoding"], "utf-16le");
    assert_eq!(files[2]["format"], "nbib");
    assert!(files[2]["repairs"].to_string().contains("CR line endings"));
    let records = ws.records("db");
    let titles: Vec<&str> = records
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Café “culture”",
            "Søren’s study",
            "A title continued",
            "Two"
        ]
    );
    assert_eq!(records[0]["authors"][0]["family"], "Müller");
    assert_eq!(records[2]["ids"]["pmid"], "1");
    // The text summary says what was repaired.
    ws.write("crlf.ris", "TY  - JOUR\r\nTI  - x\r\nER  - \r\n");
    let out = ws.ok(&["import", "crlf.ris", "--name", "other"]);
    assert!(
        crate::common::stdout(&out).contains("repaired: CRLF line endings converted to LF"),
        "{}",
        crate::common::stdout(&out)
    );
}

#[test]
fn an_unknown_format_or_missing_file_fails_after_importing_the_rest() {
    let ws = TestWorkspace::new();
    ws.write("notes.txt", "just some words\n");
    ws.write("good.ris", "TY  - JOUR\nTI  - Fine\nER  - \n");
    let out = ws.run(&[
        "import",
        "notes.txt",
        "missing.ris",
        "good.ris",
        "--name",
        "db",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("notes.txt: not a recognised export format"),
        "{err}"
    );
    assert!(err.contains("missing.ris"), "{err}");
    assert_eq!(ws.records("db").len(), 1);
}

/// Rayyan keeps its reviewers' decisions in the notes: importing brings them in, one log per
/// Rayyan reviewer, labels as tags and exclusion reasons with exclusions.
#[test]
fn rayyan_decisions_come_in_per_reviewer() {
    let ws = TestWorkspace::new();
    let csv = "key,title,authors,year,doi,notes\n\
1,Tillitsmodell i hjemmetjenesten,\"Økland, Åse\",2021,10.5555/rayyan.1,\"RAYYAN-INCLUSION: {\"\"Kofi\"\"=>\"\"Included\"\", \"\"Ama\"\"=>\"\"Included\"\"} | RAYYAN-LABELS: NPM\"\n\
2,Sykehusfinansiering,\"Berg, Ola\",2019,10.5555/rayyan.2,\"RAYYAN-INCLUSION: {\"\"Kofi\"\"=>\"\"Excluded\"\", \"\"Ama\"\"=>\"\"Included\"\"} | RAYYAN-EXCLUSION-REASONS: wrong setting\"\n\
3,Ingen beslutning,\"Dahl, Per\",2020,10.5555/rayyan.3,\n";
    let file = ws.root.join("rayyan.csv");
    std::fs::write(&file, csv).unwrap();
    let (json, out) = ws.json(&["import", file.to_str().unwrap(), "--name", "rayyan"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["imported"], 3);
    assert_eq!(json["files"][0]["decisions"], 4);
    for reviewer in ["Kofi", "Ama"] {
        assert!(
            ws.root
                .join(format!("corpus/decisions/{reviewer}.jsonl"))
                .exists(),
            "{reviewer}"
        );
    }
    let kofi = crate::common::read_jsonl(&ws.root.join("corpus/decisions/Kofi.jsonl"));
    assert_eq!(kofi[1]["decision"], "exclude");
    assert_eq!(kofi[1]["reasons"], serde_json::json!(["wrong setting"]));
    assert_eq!(kofi[0]["tags"], serde_json::json!(["NPM"]));
    let (status, _) = ws.json(&["status"]);
    let ta = &status["screening"]["title-abstract"];
    assert_eq!(ta["include"], 1, "{status}");
    assert_eq!(ta["unscreened"], 1, "{status}");
    assert_eq!(
        ta["conflict"], 1,
        "the two Rayyan reviewers disagree on record 2: {status}"
    );
}

#[test]
fn asreview_labels_come_in_as_the_importers_decisions() {
    let ws = TestWorkspace::new();
    // ASReview's RIS export: the label is an `N1` note (rispy writes `ER  - `).
    let ris = "TY  - JOUR\r\nTI  - Tillitsbasert styring i kommunene\r\nAU  - Økland, Åse\r\nPY  - 2021\r\nDO  - 10.5555/asr.1\r\nN1  - Imported from Scopus\r\nN1  - ASReview_relevant\r\nER  - \r\n\r\n\
TY  - JOUR\r\nTI  - Sykehusfinansiering\r\nAU  - Berg, Ola\r\nPY  - 2019\r\nDO  - 10.5555/asr.2\r\nN1  - ASReview_irrelevant\r\nER  - \r\n\r\n\
TY  - JOUR\r\nTI  - Ikke sett\r\nAU  - Dahl, Per\r\nPY  - 2020\r\nDO  - 10.5555/asr.3\r\nN1  - ASReview_not_seen\r\nER  - \r\n";
    let file = ws.root.join("asreview_result.ris");
    std::fs::write(&file, ris).unwrap();
    let (json, out) = ws.json(&[
        "import",
        file.to_str().unwrap(),
        "--name",
        "asreview",
        "--reviewer",
        "kari",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["imported"], 3);
    assert_eq!(json["files"][0]["decisions"], 2);
    let kari = crate::common::read_jsonl(&ws.root.join("corpus/decisions/kari.jsonl"));
    let decisions: Vec<&str> = kari
        .iter()
        .map(|d| d["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["include", "exclude"]);
    let (status, _) = ws.json(&["status"]);
    let ta = &status["screening"]["title-abstract"];
    assert_eq!(
        (
            ta["include"].as_u64(),
            ta["exclude"].as_u64(),
            ta["unscreened"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{status}"
    );
}

/// Covidence exports one file per list: `--decision` (with `--stage`, `--reason`, `--tag`)
/// says what every record of the file was decided, checked against the protocol like
/// `decide`; it works for any format.
#[test]
fn a_files_records_carry_the_decision_given_on_the_command_line() {
    let ws = TestWorkspace::new();
    let included = ws.root.join("included_ta.csv");
    std::fs::write(
        &included,
        "Title,Authors,Abstract,Published Year,Journal,DOI,Covidence #\n\
\"Tildeling av helse- og omsorgstjenester\",\"Økland, Åse\",\"Kommunal tildeling.\",2021,Tidsskrift,10.5555/cov.1,#11\n\
\"Vedtak om sykehjemsplass\",\"Berg, Ola; Dahl, Per\",,2019,Tidsskrift,10.5555/cov.2,#12\n",
    )
    .unwrap();
    let excluded = ws.root.join("excluded_ft.ris");
    std::fs::write(
        &excluded,
        "TY  - JOUR\nTI  - Sykehusfinansiering\nAU  - Lie, Kari\nPY  - 2018\nDO  - 10.5555/cov.3\nER  - \n",
    )
    .unwrap();

    // Wrong uses are refused with exit 2 before anything is stored.
    for bad in [
        &["--decision", "include", "--stage", "abstract-only"][..],
        &["--decision", "include", "--reason", "1"],
        &["--decision", "exclude", "--reason", "no such reason"],
        &["--decision", "maybe", "--tag", "no such tag"],
        &["--stage", "full-text"],
        &["--decision", "undo"],
    ] {
        let mut args = vec!["import", included.to_str().unwrap(), "--name", "covidence"];
        args.extend_from_slice(bad);
        let out = ws.run(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(
            !ws.root.join("corpus/records/covidence.jsonl").exists(),
            "{bad:?}"
        );
        assert!(ws.runlog().is_empty(), "{bad:?}");
    }

    let (json, out) = ws.json(&[
        "import",
        included.to_str().unwrap(),
        "--name",
        "covidence",
        "--decision",
        "include",
        "--tag",
        "1",
        "--reviewer",
        "kari",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (
            json["imported"].as_u64(),
            json["files"][0]["decisions"].as_u64()
        ),
        (Some(2), Some(2))
    );
    let (json, out) = ws.json(&[
        "import",
        excluded.to_str().unwrap(),
        "--name",
        "covidence",
        "--decision",
        "exclude",
        "--stage",
        "full-text",
        "--reason",
        "3",
        "--reviewer",
        "kari",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["files"][0]["decisions"], 1);

    let kari = crate::common::read_jsonl(&ws.root.join("corpus/decisions/kari.jsonl"));
    let got: Vec<(&str, &str, Value, Value)> = kari
        .iter()
        .map(|d| {
            (
                d["stage"].as_str().unwrap(),
                d["decision"].as_str().unwrap(),
                d["reasons"].clone(),
                d["tags"].clone(),
            )
        })
        .collect();
    // `litscope init`'s protocol: full-text reason 3 is "wrong focus", tag 1 "integrert tildeling".
    let (full_text_reason_3, first_tag) = ("wrong focus", "integrert tildeling");
    assert_eq!(
        got,
        [
            (
                "title-abstract",
                "include",
                serde_json::json!([]),
                serde_json::json!([first_tag])
            ),
            (
                "title-abstract",
                "include",
                serde_json::json!([]),
                serde_json::json!([first_tag])
            ),
            (
                "full-text",
                "exclude",
                serde_json::json!([full_text_reason_3]),
                serde_json::json!([])
            ),
        ]
    );
    let (status, _) = ws.json(&["status"]);
    assert_eq!(
        status["screening"]["title-abstract"]["include"], 2,
        "{status}"
    );
}

/// A file imported without `--decision` can be given one later (Covidence's lists are often
/// imported first and labelled after); importing it again never stacks a second copy of a
/// standing decision, so one `undo` withdraws it.
#[test]
fn a_decision_given_on_a_second_import_of_the_same_file_applies_once() {
    let ws = TestWorkspace::new();
    ws.write(
        "included.csv",
        "Title,Authors,Published Year,DOI\n\
\"Tildeling av tjenester\",\"Økland, Åse\",2021,10.5555/again.1\n\
\"Vedtak om sykehjemsplass\",\"Berg, Ola\",2019,10.5555/again.2\n",
    );
    ws.ok(&["import", "included.csv", "--name", "covidence"]);
    let args = [
        "import",
        "included.csv",
        "--name",
        "covidence",
        "--decision",
        "include",
        "--reviewer",
        "kari",
    ];
    for _ in 0..2 {
        let (json, out) = ws.json(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(json["imported"], 0, "the records are stored once: {json}");
        assert!(
            stderr(&out).contains("already imported"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(ws.records("covidence").len(), 2);
    let log = ws.root.join("corpus/decisions/kari.jsonl");
    assert_eq!(
        crate::common::read_jsonl(&log).len(),
        2,
        "one decision per record"
    );
    let (status, _) = ws.json(&["status"]);
    assert_eq!(
        status["screening"]["title-abstract"]["include"], 2,
        "{status}"
    );
    let id = crate::common::read_jsonl(&log)[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    ws.ok(&["decide", &id, "undo", "--reviewer", "kari"]);
    let (status, _) = ws.json(&["status"]);
    assert_eq!(
        status["screening"]["title-abstract"]["include"], 1,
        "{status}"
    );
}

/// What the parsers repair (short CSV rows, a missing final `ER`) is said in the summary.
#[test]
fn parser_repairs_are_counted_in_the_summary() {
    let ws = TestWorkspace::new();
    let csv = ws.root.join("short.csv");
    std::fs::write(
        &csv,
        "title,year,doi\nTildeling,2021\nVedtak,2019,10.5555/r.2\n",
    )
    .unwrap();
    let ris = ws.root.join("no_er.ris");
    std::fs::write(
        &ris,
        "TY  - JOUR\nTI  - Sykehjem\nER  - \nTY  - JOUR\nTI  - Uten slutt\n",
    )
    .unwrap();
    let (json, out) = ws.json(&[
        "import",
        csv.to_str().unwrap(),
        ris.to_str().unwrap(),
        "--name",
        "x",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["imported"], 4);
    assert_eq!(
        json["files"][0]["repairs"],
        serde_json::json!([
            "CSV rows with fewer fields than the header (the missing ones left empty): 1"
        ])
    );
    assert_eq!(
        json["files"][1]["repairs"],
        serde_json::json!(["RIS records without an ER line (ended by the next TY or the end): 1"])
    );
    let out = ws.run(&["import", csv.to_str().unwrap(), "--name", "y"]);
    assert!(
        crate::common::stdout(&out).contains("repaired: CSV rows with fewer fields"),
        "{}",
        crate::common::stdout(&out)
    );
}

/// A pipe (`litscope import /dev/stdin`, `<(…)`) can be read only once: it is held and
/// imported like a file.
#[test]
fn a_pipe_is_imported_like_a_file() {
    use std::io::Write;
    let ws = TestWorkspace::new();
    let mut cmd = ws.command(&[
        "import",
        "/dev/stdin",
        "--name",
        "piped",
        "--format",
        "json",
    ]);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"TY  - JOUR\nTI  - Tildeling\nER  - \nTY  - JOUR\nTI  - Vedtak\nER  - \n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            json["imported"].as_u64(),
            json["files"][0]["format"].as_str()
        ),
        (Some(2), Some("ris"))
    );
    assert_eq!(json["files"][0]["sha256"].as_str().map(str::len), Some(64));
}

/// The fixtures of this file: `tests/fixtures/import/` (see its PROVENANCE.md).
fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// The files of `corpus/records/`.
fn record_files(ws: &TestWorkspace) -> Vec<String> {
    match std::fs::read_dir(ws.root.join("corpus/records")) {
        Ok(dir) => dir
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Issue 12: random bytes were imported as hundreds of empty records (read as a
/// Windows-1252 CSV with a header of noise). Whatever is no export is refused with one line
/// naming the file, exit 1, and nothing is stored.
#[test]
fn issue_12_what_is_no_export_is_refused_and_nothing_stored() {
    let ws = TestWorkspace::new();
    let mut noise = vec![0u8; 200_000];
    fastrand::Rng::with_seed(7).fill(&mut noise);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("random.bin", noise.clone()),
        ("image.png", [&b"\x89PNG\r\n\x1a\n"[..], &noise[..5000]].concat()),
        ("archive.zip", [&b"PK\x03\x04"[..], &noise[..5000]].concat()),
        (
            "paper.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Title (Care, allocation) >>\nendobj\n".to_vec(),
        ),
        (
            "error.html",
            b"<html><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\n<body>503, try again later</body></html>\n".to_vec(),
        ),
        (
            "error.json",
            b"{\"status\":\"error\",\"message\":\"Too many requests, slow down\"}\n".to_vec(),
        ),
        (
            "notes.txt",
            b"Notes from the meeting, 3 March\nWe screen titles first, then abstracts.\n".to_vec(),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(ws.root.join(name), bytes).unwrap();
        let out = ws.run(&["import", name, "--name", "db"]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(
            err.contains(&format!("{name}: not a recognised export format")),
            "{name}: {err}"
        );
    }
    assert_eq!(record_files(&ws), Vec::<String>::new());
    assert!(ws.runlog().is_empty());
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["sources"], serde_json::json!({}));
}

/// Issue 12: an Ovid RIS export (PsycINFO) doubled its records: the `NL` line Ovid writes
/// after `ER` became a record of its own.
#[test]
fn issue_12_an_ovid_export_gives_one_record_per_reference() {
    let ws = TestWorkspace::new();
    let path = fixture("ovid_psycinfo.ris");
    let (json, out) = ws.json(&["import", path.to_str().unwrap(), "--name", "psycinfo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (&json["imported"], &json["skipped"]),
        (&4.into(), &0.into())
    );
    let records = ws.records("psycinfo");
    assert_eq!(records.len(), 4);
    assert_eq!(records[0]["raw"]["NL"], "Scand J Public Health");
    assert_eq!(records[0]["doi"], "10.5555/ovid.0001");
}

/// Issue 12: a MEDLINE line written `TI  -Title` lost its value.
#[test]
fn issue_12_a_medline_tag_without_its_space_keeps_its_value() {
    let ws = TestWorkspace::new();
    ws.write(
        "pubmed.nbib",
        "PMID- 1\nTI  -Tildeling av helsetjenester\nFAU -Dahl, Per\nDP  -2021\n",
    );
    ws.ok(&["import", "pubmed.nbib", "--name", "pubmed"]);
    let r = &ws.records("pubmed")[0];
    assert_eq!(r["title"], "Tildeling av helsetjenester");
    assert_eq!(r["authors"][0]["family"], "Dahl");
    assert_eq!(r["year"], 2021);
}

/// Issue 13: an empty file says it is empty (and leaves nothing behind).
#[test]
fn issue_13_an_empty_file_says_it_is_empty() {
    let ws = TestWorkspace::new();
    for (name, bytes) in [
        ("zero.ris", &b""[..]),
        ("blank.csv", b"\n  \n\t\n"),
        ("bom.txt", b"\xEF\xBB\xBF\r\n"),
    ] {
        std::fs::write(ws.root.join(name), bytes).unwrap();
        let out = ws.run(&["import", name]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{name}: the file is empty")),
            "{name}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert_eq!(record_files(&ws), Vec::<String>::new());
    assert!(ws.runlog().is_empty());
}

/// Issue 13: a CSV with its header row and no records left a zero-record source behind.
/// It is an export of an empty list (exit 0), said so, and nothing is stored.
#[test]
fn issue_13_a_header_only_csv_leaves_no_source_behind() {
    let ws = TestWorkspace::new();
    ws.write(
        "irrelevant.csv",
        "Title,Authors,Abstract,Published Year,DOI\r\n",
    );
    ws.write("included.csv", "Title,Authors\nKept,\"Dahl, Per\"\n");
    let (json, out) = ws.json(&["import", "irrelevant.csv", "included.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("irrelevant.csv: no records in it"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json["imported"], 1);
    assert_eq!(json["files"][0]["read"], 0);
    assert_eq!(record_files(&ws), ["included.jsonl"]);
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["sources"], serde_json::json!({"included": 1}));
    let log = ws.runlog();
    assert!(
        log.iter().all(|l| l["file"] == "included.csv"),
        "only the file with records is logged: {log:?}"
    );
}

/// Issue 13: after `kill -9` during an import, `status` counted the records stored with no
/// sign that the file stopped partway. The run log marks the import started before any
/// record is written; `status` names the file to import again until a rerun completes it,
/// and the rerun stores each record once.
#[test]
fn issue_13_an_import_killed_partway_is_marked_incomplete_until_rerun() {
    let ws = TestWorkspace::new();
    let mut ris = String::new();
    for i in 0..40_000 {
        ris.push_str(&format!(
            "TY  - JOUR\nTI  - Record {i} on home care allocation in Norwegian municipalities\nAU  - Nordmann, Kari\nPY  - 2020\nJO  - Journal of Care\nDO  - 10.5555/kill.{i}\nAB  - An abstract long enough to make the record the size of a real one, in words.\nER  - \n"
        ));
    }
    ws.write("big.ris", &ris);
    let file = ws.root.join("corpus/records/big.jsonl");
    let mut child = ws
        .command(&["import", "big.ris"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while crate::common::read_jsonl_lenient(&file) < 1000 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    assert!(
        !child.wait().unwrap().success(),
        "the import finished before it could be killed"
    );
    let (status, out) = ws.json(&["status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = status["sources"]["big"].as_u64().unwrap();
    assert!((1000..40_000).contains(&stored), "{stored}");
    let incomplete = &status["imports"]["incomplete"];
    assert_eq!(incomplete.as_array().map(Vec::len), Some(1), "{status}");
    assert_eq!(incomplete[0]["file"], "big.ris");
    assert_eq!(incomplete[0]["database"], "big");
    let text = crate::common::stdout(&ws.ok(&["status"]));
    assert!(
        text.contains(
            "imports     0 files imported\n            incomplete: big.ris into big stopped partway"
        ) && text.contains("import it again: litscope import big.ris --name big"),
        "{text}"
    );

    let (json, out) = ws.json(&["import", "big.ris"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["files"][0]["read"], 40_000);
    assert_eq!(json["imported"].as_u64().unwrap() + stored, 40_000);
    assert_eq!(ws.records("big").len(), 40_000, "no record twice");
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["imports"]["incomplete"], serde_json::json!([]));
    assert_eq!(status["sources"]["big"], 40_000);
    let text = crate::common::stdout(&ws.ok(&["status"]));
    assert!(!text.contains("again"), "{text}");
}
