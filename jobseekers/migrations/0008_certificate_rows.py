"""Structured certificates on the archive: the free-text 证书 becomes Certificate rows, one per piece
(jobseekers.certificates.rows_from_text: the piece whole as the name, so no character is lost), then the
text column goes. The rows are created with a temporary related name while the text field still exists."""

import django.db.models.deletion
from django.db import migrations, models

from jobseekers.certificates import occupation_index, rows_from_text  # pure functions, no models


def text_to_rows(apps, schema_editor):
    Archive = apps.get_model("jobseekers", "JobseekerArchive")
    Certificate = apps.get_model("jobseekers", "Certificate")
    Occupation = apps.get_model("core", "Occupation")
    index = occupation_index(Occupation.objects.filter(level=4).order_by("code").values_list("code", "name"))
    batch = []
    for archive_id, text in (Archive.objects.exclude(certificates="").order_by("pk")
                             .values_list("pk", "certificates").iterator(chunk_size=2000)):
        batch.extend(Certificate(archive_id=archive_id, **row) for row in rows_from_text(text, index))
        if len(batch) >= 2000:
            Certificate.objects.bulk_create(batch)
            batch = []
    Certificate.objects.bulk_create(batch)


def rows_to_text(apps, schema_editor):
    Archive = apps.get_model("jobseekers", "JobseekerArchive")
    Certificate = apps.get_model("jobseekers", "Certificate")
    names: dict[int, list[str]] = {}
    for archive_id, name in Certificate.objects.order_by("archive_id", "id").values_list("archive_id", "name"):
        names.setdefault(archive_id, []).append(name)
    for archive_id, parts in names.items():
        Archive.objects.filter(pk=archive_id).update(certificates="、".join(parts))


class Migration(migrations.Migration):

    dependencies = [
        ('jobseekers', '0007_importjob_kind_postings'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Certificate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('name', models.TextField(verbose_name='证书名称')),
                ('occupation_code', models.CharField(blank=True, max_length=16, verbose_name='职业代码')),
                ('level', models.CharField(blank=True, choices=[('5', '五级/初级工'), ('4', '四级/中级工'), ('3', '三级/高级工'), ('2', '二级/技师'), ('1', '一级/高级技师'), ('special', '专项职业能力')], max_length=8, verbose_name='等级')),
                ('number', models.CharField(blank=True, max_length=64, verbose_name='证书编号')),
                ('issuer', models.CharField(blank=True, max_length=100, verbose_name='发证机构')),
                ('issued_on', models.DateField(blank=True, null=True, verbose_name='发证日期')),
                ('archive', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certificate_rows', to='jobseekers.jobseekerarchive', verbose_name='档案')),
            ],
            options={
                'verbose_name': '证书',
                'verbose_name_plural': '证书',
                'ordering': ['id'],
            },
        ),
        migrations.RunPython(text_to_rows, rows_to_text),
        migrations.RemoveField(
            model_name='jobseekerarchive',
            name='certificates',
        ),
        migrations.AlterField(
            model_name='certificate',
            name='archive',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certificates', to='jobseekers.jobseekerarchive', verbose_name='档案'),
        ),
    ]
