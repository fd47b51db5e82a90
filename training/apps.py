from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"

    def ready(self):
        from guangyuan_jobs.casework.kinds import register_kind
        from training.kinds import TRAINING_SUBSIDY_KIND

        register_kind(TRAINING_SUBSIDY_KIND)
