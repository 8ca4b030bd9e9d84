"""Certificates live on the archive (jobseekers.Certificate): training's rows are copied there, each referral
keeps its certificate through `Referral.certificate`, and training's table goes."""

import django.db.models.deletion
from django.db import migrations, models

FIELDS = ("name", "occupation_code", "level", "number", "issuer", "issued_on")


def move_to_jobseekers(apps, schema_editor):
    Old = apps.get_model("training", "Certificate")
    New = apps.get_model("jobseekers", "Certificate")
    Referral = apps.get_model("training", "Referral")
    for old in Old.objects.order_by("pk").iterator():
        new = New.objects.create(archive_id=old.archive_id, **{k: getattr(old, k) for k in FIELDS})
        New.objects.filter(pk=new.pk).update(created_at=old.created_at, updated_at=old.updated_at)
        if old.referral_id:
            Referral.objects.filter(pk=old.referral_id).update(certificate=new)


def back_to_training(apps, schema_editor):
    Old = apps.get_model("training", "Certificate")
    Referral = apps.get_model("training", "Referral")
    for referral in Referral.objects.filter(certificate__isnull=False).select_related("certificate"):
        new = referral.certificate
        Old.objects.create(archive_id=new.archive_id, referral=referral, **{k: getattr(new, k) for k in FIELDS})


class Migration(migrations.Migration):

    dependencies = [
        ('jobseekers', '0008_certificate_rows'),
        ('training', '0002_program_search_text_public_index'),
    ]

    operations = [
        # the old table's reverse accessor (Referral.certificate) would hide the new field of the same name
        migrations.AlterField(
            model_name='certificate',
            name='referral',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='old_certificate', to='training.referral', verbose_name='培训推荐'),
        ),
        migrations.AddField(
            model_name='referral',
            name='certificate',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='training_referral', to='jobseekers.certificate', verbose_name='证书'),
        ),
        migrations.RunPython(move_to_jobseekers, back_to_training),
        migrations.DeleteModel(
            name='Certificate',
        ),
    ]
