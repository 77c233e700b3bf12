//! The criteria sets shipped with the product, as Rust data.
//!
//! Source: `shared/domain/official-criteria-research.md` (tags [C] read in a source, [C2] two
//! or more sources agree, [I] inference, [NF] not found). The product owner's rule applies to
//! every number here: what the research does not confirm ([C] or [C2]) is
//! [`Verification::Unverified`], with a note saying what is missing, and the UI shows it as
//! "chưa đối chiếu văn bản gốc". Placeholders exist only so that an officer can work through a
//! whole evaluation; none of them is presented as official.
//!
//! Indicator and criterion texts are paraphrased from the research notes, not quoted from the
//! legal texts; each set's notes say so. Administrators can replace these sets (new version) once
//! the full documents are at hand.

use crate::domain::criteria::{
    CriteriaSet, Criterion, Grade, GradeBand, Indicator, IndicatorKind, ResultRule, SetStatus,
    TitleKind, Verification,
};
use crate::i18n::Msg;

/// Every set that ships with the product, all published and all passing
/// [`crate::domain::criteria::validate_set`].
pub fn shipped_sets() -> Vec<CriteriaSet> {
    vec![
        household_qd448(),
        clan_qd448(),
        village_qd448(),
        commune_tt44(),
        commune_tt25(),
        commune_unit_qd448(),
        district_unit_tt22(),
        district_unit_tt24(),
    ]
}

/// The shipped set with this code.
pub fn shipped_set(code: &str) -> Option<CriteriaSet> {
    shipped_sets().into_iter().find(|s| s.code == code)
}

// --- small builders: keep the data below readable -------------------------------------------

fn confirmed(source: &str) -> Verification {
    Verification::confirmed(source)
}

fn unverified(note: &str) -> Verification {
    Verification::unverified(note)
}

fn points(
    code: &str,
    max: u32,
    text: &str,
    text_en: &str,
    evidence: &str,
    verification: Verification,
) -> Indicator {
    Indicator {
        code: code.into(),
        text: text.into(),
        text_en: text_en.into(),
        kind: IndicatorKind::Points { max },
        evidence: evidence.into(),
        verification,
        level: None,
    }
}

fn pass_fail(
    code: &str,
    level: u8,
    text: &str,
    text_en: &str,
    evidence: &str,
    verification: Verification,
) -> Indicator {
    Indicator {
        code: code.into(),
        text: text.into(),
        text_en: text_en.into(),
        kind: IndicatorKind::PassFail,
        evidence: evidence.into(),
        verification,
        level: Some(level),
    }
}

fn criterion(
    code: &str,
    name: &str,
    name_en: &str,
    verification: Verification,
    indicators: Vec<Indicator>,
) -> Criterion {
    Criterion {
        code: code.into(),
        name: name.into(),
        name_en: name_en.into(),
        indicators,
        min_points: None,
        verification,
    }
}

/// Evidence line for placeholders: nothing is known about what proves them.
const EVIDENCE_UNKNOWN: &str = "Chưa xác định: cần đối chiếu văn bản gốc.";

/// A placeholder points indicator for a criterion whose indicators were not found.
fn placeholder_points(code: &str, max: u32, topic: &str, topic_en: &str, note: &str) -> Indicator {
    points(
        code,
        max,
        &format!("Chỉ số giữ chỗ: {topic} (nội dung chưa đối chiếu văn bản gốc)"),
        &format!("Placeholder: {topic_en} (not checked against the original text)"),
        EVIDENCE_UNKNOWN,
        unverified(note),
    )
}

// --- 1. Gia đình học tập, QĐ 448 Part A --------------------------------------------------------

const QD448: &str = "QĐ 448/QĐ-KHVN";

fn household_qd448() -> CriteriaSet {
    let gd3_4_note =
        "Chỉ số và điểm của tiêu chí này chưa tìm thấy (research §1 [NF]). Hai chỉ thứ \
                      giữ chỗ 10 điểm; tổng 20 điểm của tiêu chí là suy luận từ tổng 100 điểm \
                      (GD3 + GD4 = 40, research [I]).";
    CriteriaSet {
        code: "gdht-qd448".into(),
        version: 1,
        title_kind: TitleKind::Household,
        name: "Gia đình học tập (QĐ 448/QĐ-KHVN)".into(),
        name_en: "Learning family (QĐ 448/QĐ-KHVN)".into(),
        source_document: "QĐ 448/QĐ-KHVN (2015) của Hội Khuyến học Việt Nam, Phần A: Bộ tiêu chí \
                          Gia đình học tập"
            .into(),
        valid_from_year: 2016,
        valid_to_year: None,
        status: SetStatus::Published,
        criteria: vec![
            criterion(
                "GD1",
                "Học tập của trẻ em trong gia đình",
                "Learning of the children in the family",
                confirmed("QĐ 448/QĐ-KHVN, Phần A, tiêu chí 1 (30 điểm); research §1 [C2]"),
                vec![
                    points(
                        "GD1.a",
                        10,
                        "Trẻ em trong độ tuổi giáo dục bắt buộc đều được đến trường và hoàn thành \
                         phổ cập giáo dục (trừ trường hợp ốm đau, khuyết tật)",
                        "Every child of compulsory-schooling age attends school and completes \
                         universal education (illness or disability excepted)",
                        "Danh sách con em trong độ tuổi đi học; xác nhận của nhà trường hoặc sổ \
                         theo dõi phổ cập giáo dục của thôn.",
                        confirmed("QĐ 448/QĐ-KHVN, Phần A, tiêu chí 1a; research §1 [C2]"),
                    ),
                    points(
                        "GD1.b",
                        10,
                        "Kết quả học tập của các cháu từ trung bình trở lên, hạnh kiểm từ khá trở \
                         lên (học sinh tiểu học: đạt yêu cầu)",
                        "Children's results at least average and conduct at least good (primary \
                         pupils: meeting requirements)",
                        "Học bạ hoặc phiếu báo kết quả học tập, rèn luyện cuối năm học.",
                        confirmed("QĐ 448/QĐ-KHVN, Phần A, tiêu chí 1b; research §1 [C2]"),
                    ),
                    points(
                        "GD1.c",
                        10,
                        "Các cháu thật thà, lễ phép và tham gia các hoạt động ở địa phương",
                        "The children are honest and polite and take part in local activities",
                        "Nhận xét của nhà trường, chi đoàn hoặc chi hội ở thôn.",
                        confirmed("QĐ 448/QĐ-KHVN, Phần A, tiêu chí 1c; research §1 [C2]"),
                    ),
                ],
            ),
            criterion(
                "GD2",
                "Học tập của người lớn",
                "Learning of the adults",
                confirmed("QĐ 448/QĐ-KHVN, Phần A, tiêu chí 2 (30 điểm); research §1 [C2]"),
                vec![
                    points(
                        "GD2.a",
                        10,
                        "Người từ 19 đến 60 tuổi trong gia đình (trừ người không có khả năng học \
                         tập) đạt chuẩn biết chữ bậc 1 trở lên",
                        "Household members aged 19–60 (unless unable to learn) reach literacy \
                         standard level 1 or above",
                        "Danh sách thành viên từ 19 đến 60 tuổi và trình độ học vấn; sổ theo dõi \
                         xóa mù chữ của xã.",
                        confirmed("QĐ 448/QĐ-KHVN, Phần A, tiêu chí 2a; research §1 [C2]"),
                    ),
                    points(
                        "GD2.b",
                        10,
                        "Hằng năm, người lớn trong gia đình tham gia học ít nhất 01 nội dung (phần \
                         còn lại của câu chưa đọc được)",
                        "Every year, the adults take part in learning at least one topic (the \
                         rest of the sentence could not be read)",
                        "Giấy chứng nhận, danh sách học viên hoặc xác nhận của trung tâm học tập \
                         cộng đồng, chi hội đoàn thể.",
                        confirmed(
                            "QĐ 448/QĐ-KHVN, Phần A, tiêu chí 2b (10 điểm); research §1 [C], \
                             chỉ đọc được phần đầu nội dung",
                        ),
                    ),
                    placeholder_points(
                        "GD2.c",
                        10,
                        "học tập của người lớn, chỉ số c",
                        "adults' learning, item c",
                        "Nội dung chỉ số 2c chưa tìm thấy (research §1 [NF]); 10 điểm là suy luận \
                         từ tổng 30 điểm của tiêu chí 2 (research [I]).",
                    ),
                ],
            ),
            criterion(
                "GD3",
                "Điều kiện học tập của gia đình",
                "The family's learning conditions",
                confirmed("QĐ 448/QĐ-KHVN, Phần A, tên tiêu chí 3; research §1 [C]"),
                vec![
                    placeholder_points(
                        "GD3.a",
                        10,
                        "điều kiện học tập của gia đình (1)",
                        "the family's learning conditions (1)",
                        gd3_4_note,
                    ),
                    placeholder_points(
                        "GD3.b",
                        10,
                        "điều kiện học tập của gia đình (2)",
                        "the family's learning conditions (2)",
                        gd3_4_note,
                    ),
                ],
            ),
            criterion(
                "GD4",
                "Tác động, hiệu quả của học tập",
                "Impact and effectiveness of learning",
                confirmed("QĐ 448/QĐ-KHVN, Phần A, tên tiêu chí 4; research §1 [C]"),
                vec![
                    placeholder_points(
                        "GD4.a",
                        10,
                        "tác động, hiệu quả của học tập (1)",
                        "impact of learning (1)",
                        gd3_4_note,
                    ),
                    placeholder_points(
                        "GD4.b",
                        10,
                        "tác động, hiệu quả của học tập (2)",
                        "impact of learning (2)",
                        gd3_4_note,
                    ),
                ],
            ),
        ],
        rule: ResultRule::PassMark {
            pass_mark: 70,
            verification: unverified(
                "Điểm đạt chính thức của QĐ 448 chưa tìm thấy (research §1 [NF]). 70/100 là giá \
                 trị tạm để thử nghiệm, không phải số liệu chính thức.",
            ),
        },
        notes: format!(
            "{QD448} ban hành bộ tiêu chí cho giai đoạn 2016–2020; chưa tìm thấy văn bản thay thế \
             và các tỉnh vẫn áp dụng, nên để trống năm kết thúc. Ngày ban hành: phần lớn nguồn ghi \
             01/12/2015, bản Yên Bái ghi 10/11/2015. Đã đối chiếu: tên 4 tiêu chí; GD1 (30 điểm, \
             3 chỉ số × 10); GD2 (30 điểm; chỉ số a, b). Chưa đối chiếu: chỉ số GD2.c; chỉ số và \
             điểm của GD3, GD4 (tổng 100 là suy luận); điểm đạt. Nội dung chỉ số là diễn đạt lại \
             theo tài liệu nghiên cứu, không phải nguyên văn. QĐ 387/QĐ-TTg yêu cầu sửa đổi bộ \
             tiêu chí: cần kiểm tra văn bản mới của Hội Khuyến học Việt Nam."
        ),
    }
}

// --- 2. Dòng họ học tập, QĐ 448 Part B ---------------------------------------------------------

fn clan_qd448() -> CriteriaSet {
    let crit_note = "Phần B của QĐ 448 có quy định Dòng họ học tập (research §2 [C2]) nhưng tiêu \
                     chí, điểm và điểm đạt chưa tìm thấy [NF]. Tiêu chí này phỏng theo cấu trúc \
                     bộ Gia đình học tập.";
    let ind_note = "Chỉ số giữ chỗ phỏng theo bộ Gia đình học tập; nội dung và điểm chưa đối \
                    chiếu (research §2 [NF]).";
    let mirrored = |code: &str, text: &str, text_en: &str| {
        points(
            code,
            10,
            text,
            text_en,
            EVIDENCE_UNKNOWN,
            unverified(ind_note),
        )
    };
    CriteriaSet {
        code: "dhht-qd448".into(),
        version: 1,
        title_kind: TitleKind::Clan,
        name: "Dòng họ học tập (QĐ 448/QĐ-KHVN)".into(),
        name_en: "Learning clan (QĐ 448/QĐ-KHVN)".into(),
        source_document: "QĐ 448/QĐ-KHVN (2015) của Hội Khuyến học Việt Nam, Phần B: Bộ tiêu chí \
                          Dòng họ học tập"
            .into(),
        valid_from_year: 2016,
        valid_to_year: None,
        status: SetStatus::Published,
        criteria: vec![
            criterion(
                "DH1",
                "Học tập của con cháu trong dòng họ",
                "Learning of the clan's children",
                unverified(crit_note),
                vec![
                    mirrored(
                        "DH1.a",
                        "Con cháu trong dòng họ ở độ tuổi giáo dục bắt buộc đều được đến trường \
                         (phỏng theo GD1.a)",
                        "The clan's children of compulsory-schooling age attend school (after \
                         GD1.a)",
                    ),
                    mirrored(
                        "DH1.b",
                        "Kết quả học tập, rèn luyện của con cháu trong dòng họ đạt yêu cầu trở \
                         lên (phỏng theo GD1.b)",
                        "The children's results and conduct meet requirements (after GD1.b)",
                    ),
                    mirrored(
                        "DH1.c",
                        "Con cháu lễ phép, tham gia các hoạt động ở địa phương (phỏng theo GD1.c)",
                        "The children are polite and take part in local activities (after GD1.c)",
                    ),
                ],
            ),
            criterion(
                "DH2",
                "Học tập của người lớn trong dòng họ",
                "Learning of the clan's adults",
                unverified(crit_note),
                vec![
                    mirrored(
                        "DH2.a",
                        "Người lớn trong dòng họ đạt chuẩn biết chữ (phỏng theo GD2.a)",
                        "The clan's adults are literate (after GD2.a)",
                    ),
                    mirrored(
                        "DH2.b",
                        "Người lớn trong dòng họ tham gia học tập hằng năm (phỏng theo GD2.b)",
                        "The clan's adults take part in learning every year (after GD2.b)",
                    ),
                    mirrored(
                        "DH2.c",
                        "Chỉ số giữ chỗ về học tập của người lớn (phỏng theo GD2.c)",
                        "Placeholder on adults' learning (after GD2.c)",
                    ),
                ],
            ),
            criterion(
                "DH3",
                "Điều kiện học tập của dòng họ",
                "The clan's learning conditions",
                unverified(crit_note),
                vec![
                    mirrored(
                        "DH3.a",
                        "Chỉ số giữ chỗ về điều kiện học tập của dòng họ (1)",
                        "Placeholder on the clan's learning conditions (1)",
                    ),
                    mirrored(
                        "DH3.b",
                        "Chỉ số giữ chỗ về điều kiện học tập của dòng họ (2)",
                        "Placeholder on the clan's learning conditions (2)",
                    ),
                ],
            ),
            criterion(
                "DH4",
                "Tác động, hiệu quả của học tập trong dòng họ",
                "Impact and effectiveness of learning in the clan",
                unverified(crit_note),
                vec![
                    mirrored(
                        "DH4.a",
                        "Chỉ số giữ chỗ về tác động, hiệu quả của học tập (1)",
                        "Placeholder on the impact of learning (1)",
                    ),
                    mirrored(
                        "DH4.b",
                        "Chỉ số giữ chỗ về tác động, hiệu quả của học tập (2)",
                        "Placeholder on the impact of learning (2)",
                    ),
                ],
            ),
        ],
        rule: ResultRule::PassMark {
            pass_mark: 70,
            verification: unverified(
                "Điểm đạt của Phần B chưa tìm thấy (research §2 [NF]); 70/100 là giá trị tạm, \
                 giống bộ Gia đình học tập, không phải số liệu chính thức.",
            ),
        },
        notes: "Chưa đọc được nội dung Phần B của QĐ 448. Toàn bộ tiêu chí, chỉ số, điểm và điểm \
                đạt là cấu trúc giữ chỗ phỏng theo bộ Gia đình học tập, để có thể chạy thử quy \
                trình; phải thay bằng văn bản gốc trước khi dùng chính thức."
            .into(),
    }
}

// --- 3. Cộng đồng học tập cấp thôn, QĐ 448 Part C ----------------------------------------------

fn village_qd448() -> CriteriaSet {
    let crit_note = "Phần C của QĐ 448 quy định Cộng đồng học tập cấp thôn, tổ dân phố (research \
                     §3 [C2]) nhưng tiêu chí, điểm và điểm đạt chưa tìm thấy [NF]. Tiêu chí này \
                     phỏng theo cấu trúc bộ Gia đình học tập.";
    let ind_note = "Chỉ số giữ chỗ; nội dung và điểm chưa đối chiếu (research §3 [NF]).";
    let mirrored = |code: &str, text: &str, text_en: &str| {
        points(
            code,
            10,
            text,
            text_en,
            EVIDENCE_UNKNOWN,
            unverified(ind_note),
        )
    };
    CriteriaSet {
        code: "cdht-thon-qd448".into(),
        version: 1,
        title_kind: TitleKind::VillageCommunity,
        name: "Cộng đồng học tập cấp thôn, tổ dân phố (QĐ 448/QĐ-KHVN)".into(),
        name_en: "Learning community, village level (QĐ 448/QĐ-KHVN)".into(),
        source_document: "QĐ 448/QĐ-KHVN (2015) của Hội Khuyến học Việt Nam, Phần C: Bộ tiêu chí \
                          Cộng đồng học tập cấp thôn, tổ dân phố"
            .into(),
        valid_from_year: 2016,
        valid_to_year: None,
        status: SetStatus::Published,
        criteria: vec![
            criterion(
                "TH1",
                "Học tập của trẻ em trong thôn",
                "Learning of the village's children",
                unverified(crit_note),
                vec![
                    mirrored(
                        "TH1.a",
                        "Trẻ em trong thôn ở độ tuổi giáo dục bắt buộc đều được đến trường \
                         (phỏng theo GD1.a)",
                        "The village's children of compulsory-schooling age attend school (after \
                         GD1.a)",
                    ),
                    mirrored(
                        "TH1.b",
                        "Kết quả học tập, rèn luyện của trẻ em trong thôn (phỏng theo GD1.b)",
                        "Results and conduct of the village's children (after GD1.b)",
                    ),
                    mirrored(
                        "TH1.c",
                        "Chỉ số giữ chỗ về học tập của trẻ em (3)",
                        "Placeholder on children's learning (3)",
                    ),
                ],
            ),
            criterion(
                "TH2",
                "Học tập của người lớn trong thôn",
                "Learning of the village's adults",
                unverified(crit_note),
                vec![
                    mirrored(
                        "TH2.a",
                        "Người lớn trong thôn đạt chuẩn biết chữ (phỏng theo GD2.a)",
                        "The village's adults are literate (after GD2.a)",
                    ),
                    mirrored(
                        "TH2.b",
                        "Người lớn trong thôn tham gia học tập hằng năm (phỏng theo GD2.b)",
                        "The village's adults take part in learning every year (after GD2.b)",
                    ),
                    mirrored(
                        "TH2.c",
                        "Chỉ số giữ chỗ về học tập của người lớn (3)",
                        "Placeholder on adults' learning (3)",
                    ),
                ],
            ),
            criterion(
                "TH3",
                "Điều kiện học tập của thôn",
                "The village's learning conditions",
                unverified(crit_note),
                vec![
                    mirrored(
                        "TH3.a",
                        "Chỉ số giữ chỗ về điều kiện học tập của thôn (1)",
                        "Placeholder on the village's learning conditions (1)",
                    ),
                    mirrored(
                        "TH3.b",
                        "Chỉ số giữ chỗ về điều kiện học tập của thôn (2)",
                        "Placeholder on the village's learning conditions (2)",
                    ),
                ],
            ),
            criterion(
                "TH4",
                "Tác động, hiệu quả của học tập trong thôn",
                "Impact and effectiveness of learning in the village",
                unverified(crit_note),
                vec![
                    mirrored(
                        "TH4.a",
                        "Chỉ số giữ chỗ về tác động, hiệu quả của học tập (1)",
                        "Placeholder on the impact of learning (1)",
                    ),
                    mirrored(
                        "TH4.b",
                        "Chỉ số giữ chỗ về tác động, hiệu quả của học tập (2)",
                        "Placeholder on the impact of learning (2)",
                    ),
                ],
            ),
        ],
        rule: ResultRule::PassMark {
            pass_mark: 70,
            verification: unverified(
                "Điểm đạt của Phần C chưa tìm thấy (research §3 [NF]); 70/100 là giá trị tạm, \
                 không phải số liệu chính thức.",
            ),
        },
        notes: "Chưa đọc được nội dung Phần C của QĐ 448. Toàn bộ tiêu chí, chỉ số, điểm và điểm \
                đạt là cấu trúc giữ chỗ phỏng theo bộ Gia đình học tập, để có thể chạy thử quy \
                trình; phải thay bằng văn bản gốc trước khi dùng chính thức."
            .into(),
    }
}

// --- 4. Cộng đồng học tập cấp xã, TT 44/2014 ---------------------------------------------------

fn commune_tt44() -> CriteriaSet {
    let points_note = "Tên tiêu chí theo TT 44/2014 (research §4a [C2]); điểm tối đa và hướng dẫn \
                       chấm của tiêu chí chưa tìm thấy [NF]. 10 điểm là giá trị giữ chỗ, chia đều \
                       cho 15 tiêu chí.";
    let example_note =
        "Nội dung là chỉ số ví dụ của TT 44/2014 (research §4a [C]); số điểm (5) và \
                        việc xếp chỉ số vào tiêu chí này là suy luận, chưa đối chiếu.";
    // The 15 criteria names are confirmed [C2] (paraphrased); their points are not.
    let plain = |n: u32, name: &str, name_en: &str| {
        criterion(
            &format!("T{n}"),
            name,
            name_en,
            confirmed(&format!(
                "TT 44/2014/TT-BGDĐT, 15 tiêu chí; research §4a [C2] (tên diễn đạt lại; thứ \
                 tự {n} theo danh sách nghiên cứu, chưa đối chiếu thứ tự gốc)"
            )),
            vec![points(
                &format!("T{n}.1"),
                10,
                "Mức độ đạt tiêu chí theo hướng dẫn chấm điểm của TT 44/2014 (điểm giữ chỗ)",
                "How far the criterion is met, per the TT 44/2014 scoring guide (placeholder \
                 points)",
                "Báo cáo tự đánh giá của xã và minh chứng theo hướng dẫn của TT 44/2014.",
                unverified(points_note),
            )],
        )
    };
    let mut criteria = vec![
        plain(
            1,
            "Sự lãnh đạo, chỉ đạo của cấp ủy Đảng, chính quyền xã",
            "Leadership of the commune Party committee and government",
        ),
        plain(
            2,
            "Hoạt động của Ban Chỉ đạo xây dựng xã hội học tập",
            "The learning-society steering committee",
        ),
        plain(
            3,
            "Sự tham gia của các ban, ngành, đoàn thể",
            "Participation of departments and mass organisations",
        ),
    ];
    criteria.push(criterion(
        "T4",
        "Trường học và các thiết chế văn hóa, giáo dục",
        "Schools and cultural institutions",
        confirmed(
            "TT 44/2014/TT-BGDĐT, 15 tiêu chí; research §4a [C2] (tên diễn đạt lại; thứ tự 4 \
             theo danh sách nghiên cứu, chưa đối chiếu thứ tự gốc)",
        ),
        vec![
            points(
                "T4.1",
                5,
                "Có ít nhất 01 trường mầm non và 01 trường tiểu học đạt chuẩn quốc gia mức độ 2; \
                 ít nhất 01 trường trung học cơ sở đạt chuẩn quốc gia",
                "At least one preschool and one primary school at national standard level 2; at \
                 least one lower-secondary school at national standard",
                "Quyết định công nhận trường đạt chuẩn quốc gia.",
                unverified(example_note),
            ),
            points(
                "T4.2",
                5,
                "Trung tâm học tập cộng đồng được xếp loại tốt",
                "The community learning centre is graded good",
                "Kết quả đánh giá, xếp loại trung tâm học tập cộng đồng của năm.",
                unverified(example_note),
            ),
        ],
    ));
    criteria.push(criterion(
        "T5",
        "Phổ cập giáo dục, xóa mù chữ",
        "Universal education and literacy",
        confirmed(
            "TT 44/2014/TT-BGDĐT, 15 tiêu chí; research §4a [C2] (tên diễn đạt lại; thứ tự 5 \
             theo danh sách nghiên cứu, chưa đối chiếu thứ tự gốc)",
        ),
        vec![
            points(
                "T5.1",
                5,
                "Huy động trẻ dưới 3 tuổi đến nhà trẻ đạt từ 40% trở lên; trẻ từ 3 đến 5 tuổi \
                 đến mẫu giáo đạt từ 85% trở lên",
                "Enrolment: under-3s in crèche at least 40%; 3–5-year-olds in kindergarten at \
                 least 85%",
                "Số liệu huy động trẻ của trường mầm non, có xác nhận của UBND xã.",
                unverified(example_note),
            ),
            points(
                "T5.2",
                5,
                "Đạt chuẩn phổ cập giáo dục mầm non cho trẻ 5 tuổi và xóa mù chữ mức độ 2",
                "Universal preschool for 5-year-olds and literacy level 2 achieved",
                "Quyết định công nhận đạt chuẩn phổ cập giáo dục, xóa mù chữ.",
                unverified(example_note),
            ),
        ],
    ));
    criteria.extend([
        plain(6, "Công bằng trong giáo dục", "Equity in education"),
        plain(
            7,
            "Bồi dưỡng thường xuyên cho cán bộ, công chức xã",
            "Ongoing training of commune officials",
        ),
        plain(
            8,
            "Học tập thường xuyên của người lao động từ 15 tuổi trở lên",
            "Ongoing learning of workers aged 15 and over",
        ),
        plain(9, "Gia đình hiếu học", "Studious families"),
        plain(
            10,
            "Cộng đồng khuyến học, cộng đồng học tập ở thôn",
            "Village learning communities",
        ),
        plain(11, "Khu dân cư văn hóa", "Cultural residential areas"),
        plain(12, "Giảm hộ nghèo", "Fewer poor households"),
        plain(13, "Bình đẳng giới", "Gender equality"),
        plain(
            14,
            "Vệ sinh môi trường, chăm sóc sức khỏe",
            "Sanitation and health",
        ),
        plain(15, "An ninh, trật tự", "Security and order"),
    ]);
    CriteriaSet {
        code: "cdht-xa-tt44".into(),
        version: 1,
        title_kind: TitleKind::CommuneCommunity,
        name: "Cộng đồng học tập cấp xã (TT 44/2014/TT-BGDĐT)".into(),
        name_en: "Learning community, commune level (TT 44/2014/TT-BGDĐT)".into(),
        source_document: "TT 44/2014/TT-BGDĐT (12/12/2014): đánh giá, xếp loại Cộng đồng học tập \
                          cấp xã"
            .into(),
        valid_from_year: 2015,
        valid_to_year: Some(2023),
        status: SetStatus::Published,
        criteria,
        rule: ResultRule::GradeBands {
            bands: vec![
                GradeBand {
                    grade: Grade::Tot,
                    min_total: 128,
                },
                GradeBand {
                    grade: Grade::Kha,
                    min_total: 105,
                },
                GradeBand {
                    grade: Grade::TrungBinh,
                    min_total: 75,
                },
            ],
            recognised_from: Grade::Kha,
            verification: unverified(
                "Tổng điểm và các mức xếp loại của TT 44 chưa tìm thấy (research §4a [NF]: văn bản \
                 đọc được dừng ở \"Tổng số điểm t…\"). Các mức 128/105/75 trên 150 điểm là giá trị \
                 tạm theo tỷ lệ 85%/70%/50% của TT 22/2020. Có loại \"Khá\" (research [C]); tên \
                 các loại khác chưa đối chiếu. Tính \"được công nhận\" từ loại Khá theo cách báo \
                 cáo \"từ loại khá trở lên\" của Tam Kỳ [C], chưa phải quy định.",
            ),
        },
        notes: "Áp dụng cho kết quả đến năm 2023; TT 25/2023 thay thế trong thực tế (research §0, \
                suy luận mạnh). Đã đối chiếu: tên 15 tiêu chí (diễn đạt lại, chưa phải nguyên \
                văn); một số chỉ số ví dụ (T4.1, T4.2, T5.1, T5.2). Chưa đối chiếu: điểm mỗi tiêu \
                chí và chỉ số, hướng dẫn chấm, tổng điểm, mức xếp loại. Quy trình: Hội Khuyến học \
                xã tự kiểm tra từ tháng 12; Chủ tịch UBND huyện quyết định và công bố (research \
                [C2])."
            .into(),
    }
}

// --- 5. Cộng đồng học tập cấp xã, TT 25/2023 ---------------------------------------------------

fn commune_tt25() -> CriteriaSet {
    let tt25 = |n: u32| {
        confirmed(&format!(
            "TT 25/2023/TT-BGDĐT, tiêu chí {n} cấp xã; research §4b [C2] (tên diễn đạt lại)"
        ))
    };
    let x1x2 = |n: u32| {
        confirmed(&format!(
            "TT 25/2023/TT-BGDĐT, tiêu chí {n} cấp xã; research §4b [C] (nội dung diễn đạt lại)"
        ))
    };
    let unknown = "Chỉ tiêu của tiêu chí này chưa tìm thấy (research §4b [NF]). Chỉ tiêu giữ chỗ; \
                   việc chia 9 chỉ tiêu còn lại (tổng 15, research [C2]) cho X3–X5 là suy luận.";
    let higher = "Nguồn chỉ nêu tiêu chí này có yêu cầu cao hơn ở mức độ 2 (research §4b [C]); \
                  nội dung yêu cầu chưa tìm thấy [NF]. Chỉ tiêu giữ chỗ.";
    let placeholder = |code: &str, level: u8, text: &str, text_en: &str, note: &str| {
        pass_fail(
            code,
            level,
            &format!("{text} (chỉ tiêu giữ chỗ, chưa đối chiếu văn bản gốc)"),
            &format!("{text_en} (placeholder, not checked against the original text)"),
            EVIDENCE_UNKNOWN,
            unverified(note),
        )
    };
    CriteriaSet {
        code: "cdht-xa-tt25".into(),
        version: 1,
        title_kind: TitleKind::CommuneCommunity,
        name: "Cộng đồng học tập cấp xã (TT 25/2023/TT-BGDĐT)".into(),
        name_en: "Learning community, commune level (TT 25/2023/TT-BGDĐT)".into(),
        source_document: "TT 25/2023/TT-BGDĐT (27/12/2023, hiệu lực 12/02/2024): đánh giá, công \
                          nhận cộng đồng học tập cấp xã, huyện, tỉnh"
            .into(),
        valid_from_year: 2024,
        valid_to_year: None,
        status: SetStatus::Published,
        criteria: vec![
            criterion(
                "X1",
                "Lãnh đạo, chỉ đạo của cấp ủy, chính quyền",
                "Leadership of the Party committee and government",
                tt25(1),
                vec![
                    pass_fail(
                        "X1.1",
                        1,
                        "Tuyên truyền, nâng cao nhận thức về xây dựng xã hội học tập, học tập \
                         suốt đời",
                        "Raising awareness of the learning society and lifelong learning",
                        "Kế hoạch, tin bài, biên bản các buổi tuyên truyền.",
                        x1x2(1),
                    ),
                    pass_fail(
                        "X1.2",
                        1,
                        "Có kế hoạch xây dựng xã hội học tập hằng năm và thực hiện đầy đủ kế hoạch",
                        "A yearly learning-society plan, fully carried out",
                        "Kế hoạch năm được phê duyệt; báo cáo kết quả thực hiện.",
                        x1x2(1),
                    ),
                    pass_fail(
                        "X1.3",
                        1,
                        "Có kế hoạch, tổ chức hoạt động và báo cáo kết quả Tuần lễ hưởng ứng học \
                         tập suốt đời",
                        "A plan, activities and a report for Lifelong Learning Week",
                        "Kế hoạch, hình ảnh hoặc biên bản hoạt động, báo cáo kết quả Tuần lễ.",
                        x1x2(1),
                    ),
                ],
            ),
            criterion(
                "X2",
                "Huy động nguồn lực, tạo môi trường thuận lợi cho học tập",
                "Mobilising resources and a supportive learning environment",
                tt25(2),
                vec![
                    pass_fail(
                        "X2.1",
                        1,
                        "Bố trí đủ ngân sách nhà nước cho xây dựng xã hội học tập",
                        "Enough state budget for building the learning society",
                        "Dự toán, quyết toán ngân sách xã cho các hoạt động học tập.",
                        x1x2(2),
                    ),
                    pass_fail(
                        "X2.2",
                        1,
                        "Huy động được nguồn lực xã hội hóa cho học tập",
                        "Social contributions mobilised for learning",
                        "Sổ theo dõi, danh sách đóng góp của tổ chức, cá nhân.",
                        x1x2(2),
                    ),
                    pass_fail(
                        "X2.3",
                        1,
                        "Phối hợp giữa Hội Khuyến học xã, các đoàn thể, nhà trường và thiết chế \
                         văn hóa",
                        "Coordination between the commune study-promotion association, mass \
                         organisations, schools and cultural institutions",
                        "Quy chế hoặc chương trình phối hợp; biên bản các hoạt động chung.",
                        x1x2(2),
                    ),
                ],
            ),
            criterion(
                "X3",
                "Hiệu quả hoạt động của trung tâm học tập cộng đồng, thư viện công cộng, trung \
                 tâm văn hóa – thể thao cấp xã",
                "Effectiveness of the community learning centre, public library and commune \
                 culture and sports centre",
                tt25(3),
                vec![
                    placeholder(
                        "X3.1",
                        1,
                        "Trung tâm học tập cộng đồng hoạt động hiệu quả",
                        "The community learning centre works effectively",
                        unknown,
                    ),
                    placeholder(
                        "X3.2",
                        1,
                        "Thư viện công cộng hoạt động hiệu quả",
                        "The public library works effectively",
                        unknown,
                    ),
                    placeholder(
                        "X3.3",
                        1,
                        "Trung tâm văn hóa – thể thao cấp xã hoạt động hiệu quả",
                        "The commune culture and sports centre works effectively",
                        unknown,
                    ),
                ],
            ),
            criterion(
                "X4",
                "Kết quả phổ cập giáo dục, xóa mù chữ",
                "Results in universal education and literacy",
                tt25(4),
                vec![
                    placeholder(
                        "X4.1",
                        1,
                        "Đạt chuẩn phổ cập giáo dục theo yêu cầu của mức độ 1",
                        "Universal education standard required at level 1",
                        unknown,
                    ),
                    placeholder(
                        "X4.2",
                        1,
                        "Đạt chuẩn xóa mù chữ theo yêu cầu của mức độ 1",
                        "Literacy standard required at level 1",
                        unknown,
                    ),
                    placeholder(
                        "X4.3",
                        2,
                        "Kết quả phổ cập giáo dục, xóa mù chữ đạt yêu cầu cao hơn của mức độ 2",
                        "Universal education and literacy results at the higher level-2 \
                         requirement",
                        higher,
                    ),
                ],
            ),
            criterion(
                "X5",
                "Tác dụng của xây dựng cộng đồng học tập cấp xã",
                "Effects of building the commune learning community",
                tt25(5),
                vec![
                    placeholder(
                        "X5.1",
                        1,
                        "Tác dụng của xây dựng cộng đồng học tập (1)",
                        "Effects of the learning community (1)",
                        unknown,
                    ),
                    placeholder(
                        "X5.2",
                        1,
                        "Tác dụng của xây dựng cộng đồng học tập (2)",
                        "Effects of the learning community (2)",
                        unknown,
                    ),
                    placeholder(
                        "X5.3",
                        2,
                        "Tác dụng của xây dựng cộng đồng học tập đạt yêu cầu cao hơn của mức độ 2",
                        "Effects at the higher level-2 requirement",
                        higher,
                    ),
                ],
            ),
        ],
        rule: ResultRule::Levels {
            level_names: vec![Msg::new("Khá", "Fairly good"), Msg::new("Tốt", "Good")],
            verification: unverified(
                "Hai mức độ (mức độ 1 \"Khá\", mức độ 2 \"Tốt\") đã đối chiếu (research §4b [C]). \
                 Chưa đối chiếu: cách đánh giá đạt/không đạt từng chỉ tiêu (nguồn chỉ nói \"đáp \
                 ứng tiêu chí\", research [I]) và việc mức độ 2 chỉ thêm yêu cầu cao hơn ở X4, X5 \
                 (các chỉ tiêu X1–X3 được coi là giống nhau ở hai mức).",
            ),
        },
        notes: "TT 25/2023 thay thế TT 44/2014 trong thực tế (research §0, suy luận mạnh). Đã đối \
                chiếu: 5 tiêu chí, tổng 15 chỉ tiêu (research [C2]); nội dung 6 chỉ tiêu của X1, \
                X2 [C] (diễn đạt lại, chưa phải nguyên văn). Chưa đối chiếu: 9 chỉ tiêu của X3–X5 \
                (giữ chỗ), yêu cầu riêng của mức độ 2. Công nhận mức độ 2 sau ít nhất 12 tháng kể \
                từ khi đạt mức độ 1; công nhận có giá trị 36 tháng (research [C2]). Số liệu tự \
                đánh giá tính từ 01/01 đến 31/12; hồ sơ gửi Phòng GD&ĐT trước 28/02 (research \
                [C]). Thẩm quyền (Trưởng phòng GD&ĐT) cần kiểm tra lại sau cải cách chính quyền \
                hai cấp năm 2025."
            .into(),
    }
}

// --- 6. Đơn vị học tập thuộc xã, QĐ 448 Part D -------------------------------------------------

fn commune_unit_qd448() -> CriteriaSet {
    let crit_note = "Tiêu chí Phần D của QĐ 448 chưa tìm thấy (research §5a [NF]). Tiêu chí giữ \
                     chỗ phỏng theo cấu trúc 3 tiêu chí của TT 22/2020.";
    let ind_note = "Chỉ số giữ chỗ phỏng theo TT 22/2020; nội dung và điểm theo QĐ 448 chưa đối \
                    chiếu (research §5a [NF]).";
    let mirrored = |code: &str, max: u32, text: &str, text_en: &str| {
        points(
            code,
            max,
            text,
            text_en,
            EVIDENCE_UNKNOWN,
            unverified(ind_note),
        )
    };
    CriteriaSet {
        code: "dvht-xa-qd448".into(),
        version: 1,
        title_kind: TitleKind::CommuneUnit,
        name: "Đơn vị học tập thuộc xã quản lý (QĐ 448/QĐ-KHVN)".into(),
        name_en: "Learning unit under the commune (QĐ 448/QĐ-KHVN)".into(),
        source_document: "QĐ 448/QĐ-KHVN (2015) của Hội Khuyến học Việt Nam, Phần D: Bộ tiêu chí \
                          Đơn vị học tập ở cơ sở thuộc xã quản lý"
            .into(),
        valid_from_year: 2016,
        valid_to_year: None,
        status: SetStatus::Published,
        criteria: vec![
            criterion(
                "D1",
                "Điều kiện xây dựng đơn vị học tập",
                "Conditions for building a learning unit",
                unverified(crit_note),
                vec![
                    mirrored(
                        "D1.1",
                        10,
                        "Có kế hoạch học tập của đơn vị (phỏng theo TT 22/2020)",
                        "The unit has a learning plan (after TT 22/2020)",
                    ),
                    mirrored(
                        "D1.2",
                        10,
                        "Có quy định khuyến khích thành viên học tập (phỏng theo TT 22/2020)",
                        "Rules encouraging members to learn (after TT 22/2020)",
                    ),
                    mirrored(
                        "D1.3",
                        10,
                        "Bảo đảm nguồn lực cho học tập (phỏng theo TT 22/2020)",
                        "Resources for learning (after TT 22/2020)",
                    ),
                ],
            ),
            criterion(
                "D2",
                "Kết quả học tập của thành viên",
                "Members' learning results",
                unverified(crit_note),
                vec![
                    mirrored(
                        "D2.1",
                        10,
                        "Thành viên có kế hoạch tự học (phỏng theo TT 22/2020)",
                        "Members have a self-study plan (after TT 22/2020)",
                    ),
                    mirrored(
                        "D2.2",
                        5,
                        "Thành viên chấp hành tốt kỷ luật, kỷ cương (phỏng theo TT 22/2020)",
                        "Members keep discipline (after TT 22/2020)",
                    ),
                    mirrored(
                        "D2.3",
                        10,
                        "Thành viên hoàn thành các chương trình bồi dưỡng bắt buộc (phỏng theo \
                         TT 22/2020)",
                        "Members finish mandatory training (after TT 22/2020)",
                    ),
                    mirrored(
                        "D2.4",
                        5,
                        "Thành viên đạt danh hiệu Lao động tiên tiến trở lên (phỏng theo TT \
                         22/2020)",
                        "Members are at least \"advanced workers\" (after TT 22/2020)",
                    ),
                ],
            ),
            criterion(
                "D3",
                "Hiệu quả, tác động của học tập",
                "Effectiveness and impact of learning",
                unverified(crit_note),
                vec![
                    mirrored(
                        "D3.1",
                        25,
                        "Thành viên đạt các tiêu chí Công dân học tập (phỏng theo TT 22/2020)",
                        "Members meet the learning-citizen criteria (after TT 22/2020)",
                    ),
                    mirrored(
                        "D3.2",
                        15,
                        "Chỉ số giữ chỗ về hiệu quả, tác động của học tập",
                        "Placeholder on the impact of learning",
                    ),
                ],
            ),
        ],
        rule: ResultRule::PassMark {
            pass_mark: 80,
            verification: unverified(
                "Một số tỉnh dùng ngưỡng từ 80/100 điểm (Vĩnh Long 2017, Bến Tre 2018; research \
                 §5a [C]), nhưng chưa xác nhận đó là quy định của QĐ 448 [I].",
            ),
        },
        notes:
            "Chưa đọc được nội dung Phần D của QĐ 448. Cấu trúc 3 tiêu chí, chỉ số và điểm phỏng \
                theo TT 22/2020 (đơn vị cấp huyện, tỉnh) để có thể chạy thử quy trình; điểm đạt 80 \
                theo cách làm của một số tỉnh. Phải thay bằng văn bản gốc trước khi dùng chính \
                thức."
                .into(),
    }
}

// --- 7. Đơn vị học tập cấp huyện, tỉnh, TT 22/2020 ---------------------------------------------

fn district_unit_tt22() -> CriteriaSet {
    let src = |item: &str| {
        confirmed(&format!(
            "TT 22/2020/TT-BGDĐT, {item}; research §5b [C] (nội dung diễn đạt lại)"
        ))
    };
    CriteriaSet {
        code: "dvht-huyen-tt22".into(),
        version: 1,
        title_kind: TitleKind::DistrictUnit,
        name: "Đơn vị học tập cấp huyện, tỉnh (TT 22/2020/TT-BGDĐT)".into(),
        name_en: "Learning unit, district/province level (TT 22/2020/TT-BGDĐT)".into(),
        source_document: "TT 22/2020/TT-BGDĐT (06/08/2020, hiệu lực 21/09/2020): đánh giá, xếp \
                          loại đơn vị học tập cấp huyện, tỉnh"
            .into(),
        valid_from_year: 2020,
        valid_to_year: Some(2023),
        status: SetStatus::Published,
        criteria: vec![
            criterion(
                "U1",
                "Điều kiện xây dựng đơn vị học tập",
                "Conditions for building a learning unit",
                src("tiêu chí 1 (30 điểm)"),
                vec![
                    points(
                        "U1.1",
                        10,
                        "Có kế hoạch học tập của đơn vị",
                        "The unit has a learning plan",
                        "Kế hoạch học tập năm của đơn vị được thủ trưởng phê duyệt.",
                        src("tiêu chí 1, chỉ số 1"),
                    ),
                    points(
                        "U1.2",
                        10,
                        "Có quy định khuyến khích, động viên thành viên học tập",
                        "Rules that encourage members to learn",
                        "Quy chế, quy định của đơn vị về khuyến khích học tập.",
                        src("tiêu chí 1, chỉ số 2"),
                    ),
                    points(
                        "U1.3",
                        10,
                        "Bảo đảm nguồn lực cho học tập",
                        "Resources for learning",
                        "Dự toán kinh phí, cơ sở vật chất, thời gian dành cho học tập.",
                        src("tiêu chí 1, chỉ số 3"),
                    ),
                ],
            ),
            criterion(
                "U2",
                "Kết quả học tập của thành viên",
                "Members' learning results",
                src("tiêu chí 2 (30 điểm)"),
                vec![
                    points(
                        "U2.1",
                        10,
                        "100% thành viên có kế hoạch tự học được phê duyệt",
                        "100% of members have an approved self-study plan",
                        "Danh sách thành viên và kế hoạch tự học đã được phê duyệt.",
                        src("tiêu chí 2, chỉ số 1"),
                    ),
                    points(
                        "U2.2",
                        5,
                        "100% thành viên chấp hành tốt kỷ luật, kỷ cương",
                        "100% of members keep discipline",
                        "Kết quả đánh giá, phân loại thành viên cuối năm.",
                        src("tiêu chí 2, chỉ số 2"),
                    ),
                    points(
                        "U2.3",
                        10,
                        "100% thành viên hoàn thành các chương trình bồi dưỡng bắt buộc",
                        "100% of members finish the mandatory training",
                        "Chứng chỉ, giấy chứng nhận hoàn thành bồi dưỡng.",
                        src("tiêu chí 2, chỉ số 3"),
                    ),
                    points(
                        "U2.4",
                        5,
                        "100% thành viên đạt danh hiệu Lao động tiên tiến trở lên",
                        "100% of members are at least \"advanced workers\"",
                        "Quyết định công nhận danh hiệu thi đua của năm.",
                        src("tiêu chí 2, chỉ số 4"),
                    ),
                ],
            ),
            criterion(
                "U3",
                "Hiệu quả, tác động của học tập",
                "Effectiveness and impact of learning",
                src("tiêu chí 3 (40 điểm)"),
                vec![
                    points(
                        "U3.1",
                        25,
                        "100% thành viên đáp ứng các năng lực của Công dân học tập",
                        "100% of members meet the learning-citizen competencies",
                        "Kết quả đánh giá Công dân học tập của thành viên.",
                        src("tiêu chí 3, chỉ số 1"),
                    ),
                    placeholder_points(
                        "U3.2",
                        15,
                        "phần còn lại của tiêu chí 3",
                        "the rest of criterion 3",
                        "Tiêu chí 3 có 40 điểm, mới đối chiếu được 25 điểm (research §5b [C]); nội \
                         dung 15 điểm còn lại chưa tìm thấy [NF]. Một chỉ số giữ chỗ 15 điểm.",
                    ),
                ],
            ),
        ],
        rule: ResultRule::GradeBands {
            bands: vec![
                GradeBand {
                    grade: Grade::Tot,
                    min_total: 85,
                },
                GradeBand {
                    grade: Grade::Kha,
                    min_total: 70,
                },
                GradeBand {
                    grade: Grade::TrungBinh,
                    min_total: 50,
                },
            ],
            recognised_from: Grade::TrungBinh,
            verification: unverified(
                "Các mức xếp loại Tốt 85–100, Khá 70–dưới 85, Trung bình 50–dưới 70, dưới 50 Không \
                 đạt đã đối chiếu (TT 22/2020; Kon Tum QĐ 217/QĐ-UBND 2024; research §5b [C2]). \
                 Chưa tìm thấy quy định loại nào được tính là đạt \"Đơn vị học tập\": tạm hiểu mọi \
                 loại trên Không đạt (từ Trung bình) là đạt.",
            ),
        },
        notes: "Áp dụng cho các năm đánh giá đến 2023; TT 24/2023 thay thế trong thực tế (research \
                §0, suy luận mạnh; Kon Tum vẫn xếp loại năm 2023 theo TT 22). Đã đối chiếu: 3 tiêu \
                chí 30/30/40 điểm và 8 chỉ số 85 điểm (research [C]); các mức xếp loại [C2]. Chưa \
                đối chiếu: 15 điểm còn lại của tiêu chí 3; loại được công nhận. Nội dung là diễn \
                đạt lại, chưa phải nguyên văn. Đánh giá mỗi năm một lần; báo cáo tự đánh giá trước \
                hết quý I năm sau; Chủ tịch UBND cùng cấp quyết định và công bố (research [C])."
            .into(),
    }
}

// --- 8. Đơn vị học tập cấp huyện, tỉnh, TT 24/2023 ---------------------------------------------

fn district_unit_tt24() -> CriteriaSet {
    let src = |item: &str| {
        confirmed(&format!(
            "TT 24/2023/TT-BGDĐT, {item}; research §5c [C] (nội dung diễn đạt lại)"
        ))
    };
    let no_threshold = "Chỉ tiêu này có trong TT 24/2023 (research §5c [C]) nhưng mức yêu cầu cụ \
                        thể chưa đối chiếu [NF].";
    let level2 = "TT 24/2023 có hai mức độ (research §5c [C2]) nhưng yêu cầu riêng của mức độ 2 \
                  chưa tìm thấy [NF]. Chỉ tiêu giữ chỗ để mức độ 2 có yêu cầu riêng.";
    CriteriaSet {
        code: "dvht-huyen-tt24".into(),
        version: 1,
        title_kind: TitleKind::DistrictUnit,
        name: "Đơn vị học tập cấp huyện, tỉnh (TT 24/2023/TT-BGDĐT)".into(),
        name_en: "Learning unit, district/province level (TT 24/2023/TT-BGDĐT)".into(),
        source_document: "TT 24/2023/TT-BGDĐT (11/12/2023): đánh giá, công nhận đơn vị học tập \
                          cấp huyện, tỉnh"
            .into(),
        valid_from_year: 2024,
        valid_to_year: None,
        status: SetStatus::Published,
        criteria: vec![
            criterion(
                "V1",
                "Điều kiện xây dựng đơn vị học tập",
                "Conditions for building a learning unit",
                src("tiêu chí 1 (5 chỉ tiêu)"),
                vec![
                    pass_fail(
                        "V1.1",
                        1,
                        "Có kế hoạch học tập của đơn vị",
                        "The unit has a learning plan",
                        "Kế hoạch học tập năm của đơn vị được phê duyệt.",
                        src("tiêu chí 1, chỉ tiêu về kế hoạch"),
                    ),
                    pass_fail(
                        "V1.2",
                        1,
                        "Có quy định về đào tạo, bồi dưỡng, học tập của thành viên",
                        "Rules on members' training and learning",
                        "Quy chế, quy định của đơn vị về đào tạo, bồi dưỡng.",
                        src("tiêu chí 1, chỉ tiêu về quy định đào tạo"),
                    ),
                    pass_fail(
                        "V1.3",
                        1,
                        "Bảo đảm kinh phí cho học tập",
                        "Funding for learning",
                        "Dự toán, quyết toán kinh phí cho học tập.",
                        src("tiêu chí 1, chỉ tiêu về kinh phí"),
                    ),
                    pass_fail(
                        "V1.4",
                        1,
                        "Có công cụ, phương tiện số hỗ trợ học tập",
                        "Digital tools supporting learning",
                        "Danh mục phần mềm, nền tảng học tập trực tuyến đang dùng.",
                        src("tiêu chí 1, chỉ tiêu về công cụ số"),
                    ),
                    pass_fail(
                        "V1.5",
                        1,
                        "Có dịch vụ hỗ trợ học tập suốt đời cho thành viên",
                        "Lifelong-learning support services for members",
                        "Mô tả dịch vụ, danh sách thành viên được hỗ trợ.",
                        src("tiêu chí 1, chỉ tiêu về dịch vụ học tập suốt đời"),
                    ),
                ],
            ),
            criterion(
                "V2",
                "Kết quả học tập của thành viên",
                "Members' learning results",
                src("tiêu chí 2"),
                vec![
                    pass_fail(
                        "V2.1",
                        1,
                        "Từ 90% thành viên trở lên chấp hành tốt kỷ luật, kỷ cương",
                        "At least 90% of members keep discipline",
                        "Kết quả đánh giá, phân loại thành viên cuối năm.",
                        src("tiêu chí 2, chỉ tiêu về kỷ luật"),
                    ),
                    pass_fail(
                        "V2.2",
                        1,
                        "Từ 90% thành viên trở lên hoàn thành các chương trình học tập bắt buộc",
                        "At least 90% of members finish the required programmes",
                        "Chứng chỉ, giấy chứng nhận hoàn thành chương trình.",
                        src("tiêu chí 2, chỉ tiêu về chương trình bắt buộc"),
                    ),
                    pass_fail(
                        "V2.3",
                        1,
                        "Các chỉ tiêu khác về kết quả học tập của thành viên (chỉ tiêu giữ chỗ, chưa \
                         đối chiếu văn bản gốc)",
                        "Other members' results indicators (placeholder, not checked against the \
                         original text)",
                        EVIDENCE_UNKNOWN,
                        unverified(
                            "Nguồn chỉ nêu các chỉ tiêu trên làm ví dụ (research §5c [C]); các chỉ \
                             tiêu còn lại của tiêu chí 2 chưa tìm thấy [NF].",
                        ),
                    ),
                ],
            ),
            criterion(
                "V3",
                "Tác dụng của xây dựng đơn vị học tập",
                "Effects of building the learning unit",
                src("tiêu chí 3"),
                vec![
                    pass_fail(
                        "V3.1",
                        1,
                        "Từ 90% thành viên trở lên đạt danh hiệu Công dân học tập theo QĐ \
                         324/QĐ-KHVN (trường học cấp tỉnh: từ 95% người học trở lên)",
                        "At least 90% of members are learning citizens under QĐ 324/QĐ-KHVN \
                         (provincial-level schools: at least 95% of learners)",
                        "Danh sách thành viên được công nhận Công dân học tập.",
                        src("tiêu chí 3, chỉ tiêu về Công dân học tập"),
                    ),
                    pass_fail(
                        "V3.2",
                        1,
                        "Đơn vị đạt danh hiệu Tập thể lao động tiên tiến",
                        "The unit holds the \"advanced labour collective\" title",
                        "Quyết định công nhận danh hiệu thi đua của đơn vị.",
                        src("tiêu chí 3, chỉ tiêu về danh hiệu tập thể"),
                    ),
                    pass_fail(
                        "V3.3",
                        1,
                        "Mức độ chuyển đổi số của đơn vị đạt yêu cầu (mức cụ thể chưa đối chiếu)",
                        "The unit's digital-transformation level meets the requirement (level \
                         not checked)",
                        "Kết quả đánh giá mức độ chuyển đổi số.",
                        unverified(no_threshold),
                    ),
                    pass_fail(
                        "V3.4",
                        1,
                        "Kết quả kiểm định chất lượng đạt yêu cầu, đối với đơn vị phải kiểm định \
                         (mức cụ thể chưa đối chiếu)",
                        "Accreditation result meets the requirement, where the unit is accredited \
                         (level not checked)",
                        "Quyết định công nhận kết quả kiểm định.",
                        unverified(no_threshold),
                    ),
                    pass_fail(
                        "V3.5",
                        2,
                        "Đáp ứng các yêu cầu bổ sung của mức độ 2 (chỉ tiêu giữ chỗ, chưa đối chiếu \
                         văn bản gốc)",
                        "Meets the additional level-2 requirements (placeholder, not checked \
                         against the original text)",
                        EVIDENCE_UNKNOWN,
                        unverified(level2),
                    ),
                ],
            ),
        ],
        rule: ResultRule::Levels {
            level_names: vec![],
            verification: unverified(
                "Hai mức độ đã đối chiếu (research §5c [C2]). Chưa đối chiếu: cách đánh giá \
                 đạt/không đạt từng chỉ tiêu [I], yêu cầu riêng của mức độ 2 [NF], và tên gọi của \
                 các mức (chỉ TT 25/2023 được xác nhận dùng \"Khá\"/\"Tốt\").",
            ),
        },
        notes: "TT 24/2023 thay thế TT 22/2020 trong thực tế (research §0, suy luận mạnh; Bảo Thắng \
                áp dụng từ năm 2024). Đã đối chiếu: 3 tiêu chí; 5 chỉ tiêu điều kiện; các chỉ tiêu \
                ví dụ của tiêu chí 2, 3 (research [C], diễn đạt lại). Chưa đối chiếu: các chỉ tiêu \
                còn lại, mức yêu cầu chuyển đổi số và kiểm định, yêu cầu của mức độ 2. Công nhận có \
                giá trị 3 năm (research [C]). Tổ đánh giá của đơn vị tự đánh giá (số liệu 01/01–\
                31/12), hồ sơ gửi Phòng GD&ĐT trước 15/01, UBND huyện quyết định trước 15/02 \
                (research [C2]). Đơn vị cấp huyện gồm cả UBND xã (research [C])."
            .into(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::criteria::{pick_set, validate_set};
    use std::collections::BTreeSet;

    #[test]
    fn every_shipped_set_is_published_and_valid() {
        for set in shipped_sets() {
            assert_eq!(set.status, SetStatus::Published, "{}", set.code);
            assert_eq!(validate_set(&set), vec![], "{}", set.code);
            assert_eq!(set.version, 1);
        }
    }

    #[test]
    fn set_codes_are_unique_and_findable() {
        let sets = shipped_sets();
        let codes: BTreeSet<_> = sets.iter().map(|s| s.code.clone()).collect();
        assert_eq!(codes.len(), sets.len());
        assert_eq!(sets.len(), 8);
        for code in &codes {
            assert_eq!(shipped_set(code).map(|s| s.code), Some(code.clone()));
        }
        assert_eq!(shipped_set("nope"), None);
    }

    #[test]
    fn every_title_kind_has_a_set_for_current_years() {
        let sets = shipped_sets();
        for kind in TitleKind::ALL {
            assert!(pick_set(&sets, kind, 2026).is_some(), "{kind:?}");
        }
        let code = |kind, year| pick_set(&sets, kind, year).map(|s| s.code.as_str());
        assert_eq!(
            code(TitleKind::CommuneCommunity, 2023),
            Some("cdht-xa-tt44")
        );
        assert_eq!(
            code(TitleKind::CommuneCommunity, 2024),
            Some("cdht-xa-tt25")
        );
        assert_eq!(code(TitleKind::DistrictUnit, 2023), Some("dvht-huyen-tt22"));
        assert_eq!(code(TitleKind::DistrictUnit, 2024), Some("dvht-huyen-tt24"));
        assert_eq!(code(TitleKind::Household, 2016), Some("gdht-qd448"));
    }

    #[test]
    fn household_set_keeps_the_confirmed_numbers() {
        let set = shipped_set("gdht-qd448").unwrap();
        let max = |code: &str| {
            set.criteria
                .iter()
                .find(|c| c.code == code)
                .map(|c| c.max_points())
        };
        assert_eq!(max("GD1"), Some(30));
        assert_eq!(max("GD2"), Some(30));
        assert_eq!(set.max_total(), 100);
        let verified: Vec<&str> = set
            .indicators()
            .filter(|i| i.verification.is_verified())
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(verified, ["GD1.a", "GD1.b", "GD1.c", "GD2.a", "GD2.b"]);
        assert!(set.criteria[0].points_verified());
        assert!(!set.criteria[1].points_verified());
        assert!(!set.rule.verification().is_verified());
        assert!(set.has_unverified());
    }

    #[test]
    fn tt25_has_five_criteria_and_fifteen_chi_tieu() {
        let set = shipped_set("cdht-xa-tt25").unwrap();
        assert_eq!(set.criteria.len(), 5);
        assert_eq!(set.indicator_count(), 15);
        let level2: Vec<&str> = set
            .indicators()
            .filter(|i| i.level == Some(2))
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(level2, ["X4.3", "X5.3"]);
        assert_eq!(set.rule.level_name(1).map(|m| m.vi.as_str()), Some("Khá"));
        assert_eq!(set.rule.level_name(2).map(|m| m.vi.as_str()), Some("Tốt"));
    }

    #[test]
    fn tt22_has_the_confirmed_points_and_bands() {
        let set = shipped_set("dvht-huyen-tt22").unwrap();
        let maxima: Vec<u32> = set.criteria.iter().map(|c| c.max_points()).collect();
        assert_eq!(maxima, [30, 30, 40]);
        let confirmed: u32 = set
            .indicators()
            .filter(|i| i.verification.is_verified())
            .map(|i| i.max_points())
            .sum();
        assert_eq!(confirmed, 85);
        let ResultRule::GradeBands { bands, .. } = &set.rule else {
            panic!("TT 22 uses grade bands");
        };
        let mins: Vec<(Grade, u32)> = bands.iter().map(|b| (b.grade, b.min_total)).collect();
        assert_eq!(
            mins,
            [(Grade::Tot, 85), (Grade::Kha, 70), (Grade::TrungBinh, 50)]
        );
    }

    #[test]
    fn tt44_lists_fifteen_criteria() {
        let set = shipped_set("cdht-xa-tt44").unwrap();
        assert_eq!(set.criteria.len(), 15);
        assert!(set.criteria.iter().all(|c| c.verification.is_verified()));
        assert!(set.indicators().all(|i| !i.verification.is_verified()));
    }

    #[test]
    fn unconfirmed_parts_are_marked_and_explained() {
        for set in shipped_sets() {
            // No shipped set is fully confirmed yet: the UI must warn on every one.
            assert!(set.has_unverified(), "{}", set.code);
            let mut all = vec![set.rule.verification().clone()];
            for c in &set.criteria {
                all.push(c.verification.clone());
                all.extend(c.indicators.iter().map(|i| i.verification.clone()));
            }
            for v in all {
                match v {
                    Verification::Confirmed { source } => {
                        assert!(source.contains("research"), "{}: {source}", set.code);
                        assert!(source.contains("[C"), "{}: {source}", set.code);
                    }
                    Verification::Unverified { note } => {
                        assert!(note.len() > 20, "{}: {note}", set.code);
                    }
                }
            }
            // Placeholders must never look verified.
            for i in set.indicators() {
                if i.text.contains("giữ chỗ") {
                    assert!(!i.verification.is_verified(), "{}", i.code);
                }
            }
        }
    }

    #[test]
    fn vietnamese_text_is_precomposed() {
        // NFC Vietnamese has no combining marks (U+0300–U+036F); decomposed text would.
        let json = serde_json::to_string(&shipped_sets()).unwrap();
        assert!(!json.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c)));
        // Sanity: the text does carry Vietnamese letters.
        assert!(json.contains("Học tập của trẻ em trong gia đình"));
    }

    #[test]
    fn shipped_sets_survive_a_json_round_trip() {
        for set in shipped_sets() {
            let json = serde_json::to_string(&set).unwrap();
            let back: CriteriaSet = serde_json::from_str(&json).unwrap();
            assert_eq!(back, set);
        }
    }
}
