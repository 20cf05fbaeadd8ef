"""A deterministic synthetic bilingual corpus in our content format, for benchmarks.

    python benchmarks/corpus.py OUT_DIR --pages 1000      # 1,000 pages per language

Bodies are ~600 words of real Vietnamese and French with headings, lists, a table and links; templates,
catalogs and static files are the real site's. The same seed always gives the same files.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from microsite import translation_state  # noqa: E402

VI = [
    "Chuyển đổi số đang thay đổi cách các thành phố quản lý hạ tầng và cung cấp dịch vụ công.",
    "Người dân là trung tâm của mọi sáng kiến đô thị thông minh.",
    "Dữ liệu mở giúp doanh nghiệp và cộng đồng cùng tham gia giải quyết các vấn đề chung.",
    "Hợp tác quốc tế mang lại kinh nghiệm, công nghệ và nguồn lực tài chính.",
    "Các địa phương cần một lộ trình dài hạn, đi từ thấp đến cao qua nhiều giai đoạn.",
    "Giao thông thông minh góp phần giảm ùn tắc và ô nhiễm không khí.",
    "Chính quyền số giúp thủ tục hành chính trở nên nhanh chóng và minh bạch hơn.",
    "Nền tảng bản đồ số hỗ trợ công tác quy hoạch và quản lý đất đai.",
    "Y tế, giáo dục và an toàn thực phẩm là những lĩnh vực được ưu tiên ứng dụng công nghệ.",
    "Mỗi thành phố lựa chọn con đường phù hợp với điều kiện và nguồn lực của mình.",
    "Kinh tế số mở ra cơ hội mới cho các doanh nghiệp nhỏ và vừa ở Đà Nẵng, Hải Phòng và Hà Nội.",
    "Việc đào tạo nguồn nhân lực là điều kiện tiên quyết để chuyển đổi số thành công.",
]
FR = [
    "La transformation numérique change la façon dont les villes gèrent leurs infrastructures et leurs services.",
    "L'habitant est au cœur de toute démarche de ville intelligente.",
    "Les données ouvertes permettent aux entreprises et aux citoyens de résoudre ensemble des problèmes communs.",
    "La coopération internationale apporte de l'expérience, des technologies et des financements.",
    "Les collectivités ont besoin d'une feuille de route à long terme, par étapes successives.",
    "La mobilité intelligente contribue à réduire les embouteillages et la pollution de l'air.",
    "L'administration numérique rend les démarches plus rapides et plus transparentes.",
    "Une plateforme cartographique numérique soutient l'urbanisme et la gestion foncière.",
    "La santé, l'éducation et la sécurité alimentaire sont des domaines prioritaires.",
    "Chaque ville choisit le chemin adapté à sa situation et à ses moyens.",
    "L'économie numérique ouvre des perspectives aux petites entreprises de Nevers et du Havre.",
    "La formation des agents est une condition préalable à toute transformation réussie.",
]
HEADINGS = {
    "vi": ["Bối cảnh", "Mục tiêu", "Giải pháp", "Kết quả", "Đánh giá"],
    "fr": ["Contexte", "Objectifs", "Solutions", "Résultats", "Bilan"],
}
CITIES = [
    ("Đà Nẵng", "Da Nang", "VN"),
    ("Hải Phòng", "Hai Phong", "VN"),
    ("Hà Nội", "Hanoï", "VN"),
    ("Nevers", "Nevers", "FR"),
    ("Le Havre", "Le Havre", "FR"),
]


def page_name(i: int) -> str:
    """The name of synthetic page i, spread over folders."""
    return f"p{i // 100:02d}/page-{i:05d}"


def body(rng: random.Random, lang: str, i: int, n: int) -> str:
    """About 600 words: headings, paragraphs, a list, a table and links to other pages."""
    sentences = VI if lang == "vi" else FR
    parts = []
    for heading in HEADINGS[lang]:
        parts.append(f"## {heading}\n")
        for _ in range(2):
            parts.append(" ".join(rng.choice(sentences) for _ in range(4)) + "\n")
    items = [rng.choice(sentences) for _ in range(4)]
    parts.append("\n".join(f"- {item}" for item in items) + "\n")
    city = rng.choice(CITIES)
    parts.append(
        f"| {'Thành phố' if lang == 'vi' else 'Ville'} | {'Năm' if lang == 'vi' else 'Année'} |\n"
        f"| --- | --- |\n| {city[0] if lang == 'vi' else city[1]} | {2020 + i % 6} |\n"
    )
    depth = "../" * page_name(i).count("/")
    links = [
        f"[{'trang' if lang == 'vi' else 'page'} {j}]({depth}{page_name(j)}.md)"
        for j in (rng.randrange(n) for _ in range(3))
    ]
    parts.append(" · ".join(links) + f" · [{'Chương trình' if lang == 'vi' else 'Programme'}]({depth}program.md)\n")
    return "\n".join(parts)


def write_corpus(out: Path, pages: int, seed: int = 2023) -> Path:
    """Write a project with `pages` pages per language (plus home and program) into out."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "content" / "pages").mkdir(parents=True)
    for part in ("templates", "locales", "static"):
        shutil.copytree(ROOT / part, out / part)
    shutil.copy2(ROOT / "babel.cfg", out / "babel.cfg")
    content = out / "content"
    (content / "site.yaml").write_text(
        "languages: [vi, fr]\nbase_url: https://example.github.io/bench/\n"
        "title: {vi: Kho thử nghiệm, fr: Corpus d'essai}\nmenu: [index, program]\n",
        encoding="utf-8",
    )
    speakers = []
    for k in range(max(5, pages // 20)):
        vi_city, fr_city, country = CITIES[k % len(CITIES)]
        speakers.append(
            f"- id: speaker-{k}\n  name: Diễn giả {k}\n"
            f"  role: {{vi: Đại biểu số {k}, fr: délégué n° {k}}}\n"
            f"  city: {{vi: {vi_city}, fr: {fr_city}}}\n  country: {country}\n"
        )
    (content / "speakers.yaml").write_text("".join(speakers), encoding="utf-8")
    (content / "event.yaml").write_text(
        "title: {vi: Phiên thử nghiệm, fr: Séance d'essai}\nconference: {vi: Hội nghị thử nghiệm, "
        "fr: Conférence d'essai}\ndate: 2023-04-14\ncity: {vi: Hà Nội, fr: Hanoï}\ncountry: VN\n"
        "timezone: Asia/Ho_Chi_Minh\nroles: [{title: {vi: Chủ trì, fr: Présidence}, people: [speaker-0]}]\n"
        "source: {title: Nguồn, url: 'https://example.org/', author: Tác giả, lang: vi}\n",
        encoding="utf-8",
    )
    program = [
        f"- speaker: speaker-{k % len(speakers)}\n  page: {page_name(k)}\n"
        f"  title: {{vi: Tham luận {k}, fr: Intervention {k}}}\n"
        for k in range(min(pages, 50))
    ]
    (content / "program.yaml").write_text("".join(program), encoding="utf-8")
    records = {}
    specials = [("index", "Trang chủ", "Accueil"), ("program", "Chương trình", "Programme")]
    for name, vi_title, fr_title in specials:
        _write_pair(content, name, vi_title, fr_title, "Giới thiệu.\n", "Présentation.\n", records)
    for i in range(pages):
        _write_pair(
            content,
            page_name(i),
            f"Trang {i}: thành phố thông minh",
            f"Page {i} : ville intelligente",
            body(rng, "vi", i, pages),
            body(rng, "fr", i, pages),
            records,
        )
    translation_state.save_records(content, records)
    return out


def _write_pair(
    content: Path, name: str, vi_title: str, fr_title: str, vi_body: str, fr_body: str, records: dict
) -> None:
    """Write a page in both languages and record the French as confirmed."""
    path = content / "pages" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    vi_text = f'---\ntitle: "{vi_title}"\nsummary: Tóm tắt trang.\n---\n{vi_body}'
    Path(f"{path}.vi.md").write_text(vi_text, encoding="utf-8")
    Path(f"{path}.fr.md").write_text(
        f'---\ntitle: "{fr_title}"\nsummary: Résumé de la page.\n---\n{fr_body}', encoding="utf-8"
    )
    records[name] = {"fr": translation_state.fingerprint(vi_text)}


def main() -> None:
    """Command line: write a corpus."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=1000, help="pages per language (default 1000)")
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    write_corpus(args.out, args.pages, args.seed)
    print(f"wrote {args.pages} pages per language to {args.out}")


if __name__ == "__main__":
    main()
