"""Make a rendered print PDF a PDF/X file: page boxes, Info keys, the output intent, version."""
from __future__ import annotations

import hashlib
import io
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pikepdf

# registered characterizations (ICC registry): identifier -> (Info, OutputCondition)
CONDITIONS = {
    "FOGRA39": ("Coated FOGRA39 (ISO 12647-2:2004)", "Offset printing, coated paper, 60/cm screen"),
    "FOGRA51": ("PSO Coated v3 (ISO 12647-2:2013)", "Offset printing, premium coated paper"),
    "FOGRA52": ("PSO Uncoated v3 (ISO 12647-2:2013)", "Offset printing, wood-free uncoated paper"),
    "CGATS TR 001": ("SWOP (Publication) Grade 1 Paper", "U.S. web offset publication printing"),
    "CGATS TR 006": ("GRACoL (Coated #1)", "U.S. commercial offset printing, coated paper"),
}
VERSIONS = {"x1a": ("PDF/X-1:2001", "PDF/X-1a:2001", "1.3"), "x4": ("PDF/X-4", None, "1.6")}


def finish_print(data: bytes, doc, spec) -> bytes:
    """The painted print PDF ``data`` of ``doc`` finished: subset tags from their content, black
    overprinting, page boxes, Info keys, the output intent, XMP (PDF/X-4) and version."""
    from posterdeck.finish.overprint import apply_overprint
    from posterdeck.finish.subsets import rename_subsets

    pdf = pikepdf.open(io.BytesIO(data))
    rename_subsets(pdf)
    apply_overprint(pdf)
    for page, model in zip(pdf.pages, doc.pages):
        pm = model.print
        slug = pm.slug if pm else 0.0
        bleed = pm.bleed if pm else 0.0
        trim = [slug, slug, slug + model.width, slug + model.height]
        page.obj.TrimBox = pikepdf.Array(trim)
        page.obj.BleedBox = pikepdf.Array([trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed])
        page.obj.MediaBox = pikepdf.Array([0, 0, model.width + 2 * slug, model.height + 2 * slug])
        if "/CropBox" in page.obj:
            del page.obj["/CropBox"]
    version, conformance, pdf_version = VERSIONS[spec.standard]
    stamp = "D:" + datetime.fromisoformat(doc.date).replace(tzinfo=timezone.utc).strftime("%Y%m%d%H%M%SZ")
    info = pdf.docinfo
    info["/Title"] = doc.title
    info["/GTS_PDFXVersion"] = version
    if conformance:
        info["/GTS_PDFXConformance"] = conformance
    info["/Trapped"] = pikepdf.Name("/False")
    info["/CreationDate"] = stamp
    info["/ModDate"] = stamp
    intent = pikepdf.Dictionary(Type=pikepdf.Name("/OutputIntent"), S=pikepdf.Name("/GTS_PDFX"),
                                OutputConditionIdentifier=spec.output_condition,
                                RegistryName="http://www.color.org")
    described = CONDITIONS.get(spec.output_condition)
    if described:
        intent.Info, intent.OutputCondition = described
    else:
        intent.Info = spec.output_condition
    if spec.icc_profile:
        stream = pdf.make_stream(Path(spec.icc_profile).read_bytes())
        stream.N = 4
        intent.DestOutputProfile = stream
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
    if spec.standard == "x4":
        from pikepdf.models.metadata import PdfMetadata

        PdfMetadata.register_xml_namespace("http://www.npes.org/pdfx/ns/id/", "pdfxid")
        # IDs from the content, so that the same input gives the same file
        digest = hashlib.sha256(data).digest()
        document = uuid.UUID(bytes=digest[:16], version=5)
        instance = uuid.UUID(bytes=digest[16:32], version=5)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = doc.title
            meta["xmpMM:DocumentID"] = f"uuid:{document}"
            meta["xmpMM:InstanceID"] = f"uuid:{instance}"
            meta["xmpMM:VersionID"] = "1"
            meta["xmpMM:RenditionClass"] = "default"
            meta["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] = version
            meta["xmp:CreateDate"] = doc.date + "T00:00:00Z"
            meta["xmp:ModifyDate"] = doc.date + "T00:00:00Z"
            meta["xmp:MetadataDate"] = doc.date + "T00:00:00Z"
            meta["pdf:Trapped"] = "False"
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, force_version=pdf_version,
             object_stream_mode=pikepdf.ObjectStreamMode.disable if pdf_version < "1.5"
             else pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()
