"""events: a forum's city is named per language, like its venue

Revision ID: 7c3e9a1d5b42
Revises: 5a7d3c1e9f20
Create Date: 2026-12-02 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '7c3e9a1d5b42'
down_revision = '5a7d3c1e9f20'
branch_labels = None
depends_on = None

TEXTS = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    # the name given so far was written in Latin script: it becomes the French one
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city_names', TEXTS, nullable=True))
    forum = sa.table('forum', sa.column('id', sa.Integer), sa.column('city', sa.String), sa.column('city_names', TEXTS))
    connection = op.get_bind()
    for row in connection.execute(sa.select(forum.c.id, forum.c.city)).all():
        names = {'fr': row.city} if row.city else {}
        connection.execute(forum.update().where(forum.c.id == row.id).values(city_names=names))
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.drop_column('city')
        batch_op.alter_column('city_names', new_column_name='city', existing_type=TEXTS, nullable=False)


def downgrade():
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city_name', sa.String(length=120), nullable=True))
    forum = sa.table('forum', sa.column('id', sa.Integer), sa.column('city', TEXTS), sa.column('city_name', sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(forum.c.id, forum.c.city)).all():
        names = row.city or {}
        name = names.get('fr') or names.get('en') or next(iter(names.values()), '')
        connection.execute(forum.update().where(forum.c.id == row.id).values(city_name=name[:120]))
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.drop_column('city')
        batch_op.alter_column('city_name', new_column_name='city', existing_type=sa.String(length=120), nullable=False)
