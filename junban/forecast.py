"""The office page's crowding forecast, read from the office's past first steps."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.businessday import business_day, local
from core.forecast import Visit, forecast_day
from junban.models import Office, Step

WEEKS = 8


def crowding_forecast(session: Session, office: Office, now: datetime) -> dict:
    """Per opening hour of today: mean arrivals and wait on the same weekday of recent weeks."""
    today = business_day(now)
    rows = session.execute(
        select(Step.business_day, Step.queued_at, Step.called_at)
        .where(Step.office_id == office.id, Step.seq == 0,
               Step.business_day >= today - timedelta(weeks=WEEKS), Step.business_day < today)
    ).all()
    visits = [Visit(day, local(queued).hour,
                    (called - queued).total_seconds() / 60 if called else None)
              for day, queued, called in rows]
    hours = range(office.opens.hour, office.closes.hour + (1 if office.closes.minute else 0))
    return {"day": today.isoformat(), "now_hour": local(now).hour,
            "hours": [h.as_dict() for h in forecast_day(visits, today, hours)],
            "weeks": WEEKS}
