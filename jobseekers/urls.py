app_name = "jobseekers"

urlpatterns: list = []
