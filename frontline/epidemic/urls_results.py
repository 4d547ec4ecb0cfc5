"""Pages of results (results_views.py)."""

from django.urls import path

from . import results_views as views

urlpatterns = [
    path("testing/rounds/<int:pk>/results/", views.round_results, name="round_results"),
    path("testing/rounds/<int:pk>/results/reviews/", views.round_result_reviews, name="round_result_reviews"),
    path("testing/results/reviews/<int:pk>/<str:action>/", views.result_review_decide_view, name="result_review_decide"),
    path("testing/rounds/<int:pk>/positives/", views.round_positives_view, name="round_positives"),
]
