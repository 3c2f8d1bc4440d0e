"""Physical parameters of a compiled MuJoCo model, declared by name and edited in place.

A :class:`Parameter` says *what* to randomize (a field of the model, the bodies, geoms, joints or
actuators it applies to, by name) and *how* (a distribution, and whether a draw sets the value or
scales the nominal one). :class:`Binding` resolves parameters against one ``MjModel``: it checks
every name and every value the distribution can produce, keeps the nominal values, and applies a
draw by first restoring the nominal values (so nothing drifts across episodes), then writing, then
recomputing the model's derived constants with ``mj_setConst`` where the MuJoCo docs say they
depend on the edited fields (masses, inertias, armature, gear).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import mujoco
import numpy as np

from rlx_envs.core.arguments import number
from rlx_envs.rules.physics.distributions import Distribution

SET, SCALE = "set", "scale"
MODES = (SET, SCALE)
ALL = "all"  # a target that stands for every element of the kind


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """How one randomizable quantity maps onto ``MjModel``."""

    #: Element kind the targets name ("body", "geom", "joint", "actuator"), or None for options.
    element: str | None
    #: ``MjModel`` attribute ("body_mass", "dof_damping", "opt.gravity", ...).
    attribute: str
    #: Named columns of the attribute (friction kinds, gravity axes); None for a scalar per element.
    components: Mapping[str, int] | None
    default_component: str | None
    #: Smallest physical value, and whether it is allowed itself (mass must be > 0).
    minimum: float | None
    minimum_allowed: bool
    #: Whether ``mj_setConst`` must run after an edit.
    derived: bool
    #: Whether a "joint" field is stored per degree of freedom (dof_*) or per joint (jnt_*).
    per_dof: bool = False


_XYZ = {"x": 0, "y": 1, "z": 2}
#: The table of fields. Adding a field is one row here.
FIELDS: dict[str, FieldSpec] = {
    "body_mass": FieldSpec("body", "body_mass", None, None, 0.0, False, True),
    "geom_friction": FieldSpec(
        "geom", "geom_friction", {"sliding": 0, "torsional": 1, "rolling": 2}, "sliding",
        0.0, True, False,
    ),
    "joint_damping": FieldSpec("joint", "dof_damping", None, None, 0.0, True, False, True),
    "joint_armature": FieldSpec("joint", "dof_armature", None, None, 0.0, True, True, True),
    "joint_frictionloss": FieldSpec(
        "joint", "dof_frictionloss", None, None, 0.0, True, False, True
    ),
    "joint_stiffness": FieldSpec("joint", "jnt_stiffness", None, None, 0.0, True, False),
    "actuator_gear": FieldSpec("actuator", "actuator_gear", None, None, None, True, True),
    "gravity": FieldSpec(None, "opt.gravity", _XYZ, "z", None, True, False),
    "wind": FieldSpec(None, "opt.wind", _XYZ, "x", None, True, False),
    "density": FieldSpec(None, "opt.density", None, None, 0.0, True, False),
    "viscosity": FieldSpec(None, "opt.viscosity", None, None, 0.0, True, False),
    # The floor tilted by an angle in degrees (gravity turned about y; > 0 is uphill along +x).
    "floor_tilt": FieldSpec(None, "opt.gravity", None, None, -89.0, True, False),
}  # fmt: skip

_OBJ = {
    "body": mujoco.mjtObj.mjOBJ_BODY,
    "geom": mujoco.mjtObj.mjOBJ_GEOM,
    "joint": mujoco.mjtObj.mjOBJ_JOINT,
    "actuator": mujoco.mjtObj.mjOBJ_ACTUATOR,
}
_COUNT = {"body": "nbody", "geom": "ngeom", "joint": "njnt", "actuator": "nu"}
_JOINT_DOFS = {0: 6, 1: 3, 2: 1, 3: 1}  # free, ball, slide, hinge


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One randomized quantity: ``field`` of the ``targets``, drawn from ``distribution``.

    Build parameters with the helpers (:func:`body_mass`, :func:`geom_friction`, ...), which fill
    in the field and a readable ``name``; the name labels the value in ``info`` and in exposed
    observations.
    """

    name: str
    field: str
    targets: tuple[str, ...]
    distribution: Distribution
    mode: str = SET
    component: str | None = None
    #: body_mass only: scale the body's inertia with its mass, so that density stays physical.
    scale_inertia: bool = True

    def __post_init__(self):
        if self.field not in FIELDS:
            raise ValueError(f"unknown field {self.field!r}; valid fields: {sorted(FIELDS)}")
        spec = FIELDS[self.field]
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r} for {self.name!r}; valid: {list(MODES)}")
        if not isinstance(self.distribution, Distribution):
            raise TypeError(
                f"{self.name!r}: distribution must be one of rlx_envs.rules.physics' distributions "
                f"(Fixed, Uniform, LogUniform, TruncatedNormal, Outside), got {self.distribution!r}"
            )
        if self.field == "floor_tilt" and self.mode != SET:
            raise ValueError("floor_tilt is an angle in degrees: use mode='set'")
        if spec.components is None:
            if self.component is not None:
                raise ValueError(f"{self.field} has no components; got {self.component!r}")
        elif self.component not in spec.components:
            raise ValueError(
                f"unknown component {self.component!r} of {self.field}; "
                f"valid: {list(spec.components)}"
            )
        if spec.element is None and self.targets:
            raise ValueError(f"{self.field} is a global option: it takes no element names")
        if spec.element is not None and not self.targets:
            raise ValueError(f"{self.field} needs at least one {spec.element} name (or 'all')")


def _targets(names: str | Sequence[str]) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(names)


def _make(field, names, distribution, mode, name, component=None, **extra) -> Parameter:
    targets = _targets(names) if names is not None else ()
    label = name or "_".join([*targets, field] + ([component] if component else []))
    return Parameter(label, field, targets, distribution, mode, component, **extra)


def body_mass(bodies, distribution, mode=SET, name=None, scale_inertia=True) -> Parameter:
    """Mass of ``bodies`` (kg, or a factor); their inertia follows in proportion by default."""
    return _make("body_mass", bodies, distribution, mode, name, scale_inertia=scale_inertia)


def geom_friction(geoms, distribution, mode=SET, name=None, kind="sliding") -> Parameter:
    """Friction of ``geoms``: ``kind`` is "sliding", "torsional" or "rolling".

    MuJoCo gives a contact the larger friction of its two geoms (at equal priority), so to set
    the friction of the floor's contacts, set it on the floor *and* on the geoms that touch it.
    """
    return _make("geom_friction", geoms, distribution, mode, name, component=kind)


def joint_damping(joints, distribution, mode=SET, name=None) -> Parameter:
    """Damping of every degree of freedom of ``joints``."""
    return _make("joint_damping", joints, distribution, mode, name)


def joint_armature(joints, distribution, mode=SET, name=None) -> Parameter:
    """Armature (rotor inertia added to the joint) of ``joints``."""
    return _make("joint_armature", joints, distribution, mode, name)


def joint_frictionloss(joints, distribution, mode=SET, name=None) -> Parameter:
    """Dry friction of ``joints``."""
    return _make("joint_frictionloss", joints, distribution, mode, name)


def joint_stiffness(joints, distribution, mode=SET, name=None) -> Parameter:
    """Spring stiffness of ``joints``."""
    return _make("joint_stiffness", joints, distribution, mode, name)


def actuator_gear(actuators, distribution, mode=SCALE, name=None) -> Parameter:
    """Gear (torque per unit of control) of ``actuators``, by actuator or driven-joint name."""
    return _make("actuator_gear", actuators, distribution, mode, name)


def gravity(distribution, axis="z", mode=SET, name=None) -> Parameter:
    """One axis of gravity (m/s^2; -9.81 on z is Earth)."""
    return _make("gravity", None, distribution, mode, name or f"gravity_{axis}", component=axis)


def wind(distribution, axis="x", mode=SET, name=None) -> Parameter:
    """One axis of the wind velocity (needs a nonzero ``density`` to push)."""
    return _make("wind", None, distribution, mode, name or f"wind_{axis}", component=axis)


def density(distribution, mode=SET, name=None) -> Parameter:
    """Density of the medium (kg/m^3; 1.2 is air)."""
    return _make("density", None, distribution, mode, name or "density")


def viscosity(distribution, mode=SET, name=None) -> Parameter:
    """Viscosity of the medium."""
    return _make("viscosity", None, distribution, mode, name or "viscosity")


def floor_tilt(distribution, name=None) -> Parameter:
    """The floor tilted by an angle in degrees about the y axis (> 0: uphill along +x), made by
    turning gravity; an unmodeled effect for transfer tests."""
    return _make("floor_tilt", None, distribution, SET, name or "floor_tilt")


def is_mujoco_env(env) -> bool:
    """Whether ``env.unwrapped`` carries a compiled MuJoCo model and data."""
    inner = getattr(env, "unwrapped", env)
    return isinstance(getattr(inner, "model", None), mujoco.MjModel) and isinstance(
        getattr(inner, "data", None), mujoco.MjData
    )


def element_names(model: mujoco.MjModel, element: str) -> list[str]:
    """Names of every element of a kind (actuators without a name are listed by their joint)."""
    names = []
    for i in range(getattr(model, _COUNT[element])):
        name = mujoco.mj_id2name(model, _OBJ[element], i) or ""
        if element == "actuator" and not name:
            name = _actuator_joint(model, i) or f"<actuator {i}>"
        names.append(name)
    return names


def _actuator_joint(model, i: int) -> str | None:
    if model.actuator_trntype[i] == mujoco.mjtTrn.mjTRN_JOINT:
        return mujoco.mj_id2name(model, mujoco.mjtObj.mjOBJ_JOINT, model.actuator_trnid[i, 0])
    return None


def _resolve(model, element: str, targets: tuple[str, ...], who: str) -> list[int]:
    names = element_names(model, element)
    if targets == (ALL,):
        return list(range(len(names)))
    ids = []
    for target in targets:
        if target not in names:
            valid = [n for n in names if n]
            raise ValueError(
                f"{who}: no {element} named {target!r}; valid {element} names: {valid} (or {ALL!r})"
            )
        ids.append(names.index(target))
    return ids


def _slots(model, parameter: Parameter) -> list[tuple]:
    """Array indices (into the field's attribute) that ``parameter`` writes."""
    spec = FIELDS[parameter.field]
    if spec.element is None:
        if spec.components is None and parameter.field != "floor_tilt":
            return [()]
        if parameter.field == "floor_tilt":
            return [(0,), (1,), (2,)]
        return [(spec.components[parameter.component],)]
    ids = _resolve(model, spec.element, parameter.targets, parameter.name)
    if spec.per_dof:
        dofs = []
        for j in ids:
            start = model.jnt_dofadr[j]
            dofs += [(d,) for d in range(start, start + _JOINT_DOFS[int(model.jnt_type[j])])]
        return dofs
    if spec.components is not None:
        return [(i, spec.components[parameter.component]) for i in ids]
    if spec.attribute == "actuator_gear":
        return [(i, 0) for i in ids]
    return [(i,) for i in ids]


def _get(model, attribute: str):
    owner, _, name = attribute.rpartition(".")
    return getattr(model.opt if owner else model, name)


def _set_scalar(model, attribute: str, value: float) -> None:
    owner, _, name = attribute.rpartition(".")
    setattr(model.opt if owner else model, name, value)


class Binding:
    """Parameters resolved against one model; applies draws in place.

    Holds indices and nominal values only, never views into the model, so that it stays valid
    after the env is pickled, copied or sent to a vector worker. Every value written is computed
    from the nominal value (a set value, or nominal x scale), never from the value in force, so
    that nothing drifts however many episodes run.
    """

    def __init__(self, model: mujoco.MjModel, parameters: Sequence[Parameter]):
        self.parameters = tuple(parameters)
        self.names = [p.name for p in self.parameters]
        if len(set(self.names)) != len(self.names):
            dup = sorted({n for n in self.names if self.names.count(n) > 1})
            raise ValueError(f"parameter names must be unique; repeated: {dup}")
        self.slots = [_slots(model, p) for p in self.parameters]
        owner: dict[tuple, str] = {}
        for p, slots in zip(self.parameters, self.slots, strict=True):
            for slot in slots:
                key = (FIELDS[p.field].attribute, slot)
                if key in owner:
                    raise ValueError(
                        f"parameters {owner[key]!r} and {p.name!r} both edit "
                        f"{FIELDS[p.field].attribute}{list(slot)}; give each slot one parameter"
                    )
                owner[key] = p.name
        # Per parameter: (parameter, attribute, fancy index or None for a scalar option,
        # nominal values, nominal inertia of the bodies whose mass it sets, or None).
        self._plan = []
        for p, slots in zip(self.parameters, self.slots, strict=True):
            attribute = FIELDS[p.field].attribute
            current = np.asarray(_get(model, attribute))
            index = None if slots == [()] else tuple(np.array(a) for a in zip(*slots, strict=True))
            nominal = current.reshape(1).copy() if index is None else current[index].copy()
            inertia = None
            if p.field == "body_mass" and p.scale_inertia:
                inertia = model.body_inertia[index[0]].copy()
            self._plan.append((p, attribute, index, nominal, inertia))
            _check_range(p, nominal)
        self.nominal = [nominal for _, _, _, nominal, _ in self._plan]
        self.derived = any(FIELDS[p.field].derived for p in self.parameters)

    def nominal_values(self) -> dict[str, float]:
        """The draw that reproduces the nominal model (1 for scales, the value for sets)."""
        out = {}
        for p, _, _, nominal, _ in self._plan:
            if p.mode == SCALE:
                out[p.name] = 1.0
            elif p.field == "floor_tilt":
                out[p.name] = 0.0
            else:
                out[p.name] = float(nominal[0])
        return out

    def check_values(self, values: Mapping[str, float]) -> dict[str, float]:
        """Validate a full draw (every name, finite, physical); return it as floats."""
        unknown = sorted(set(values) - set(self.names))
        missing = [n for n in self.names if n not in values]
        if unknown or missing:
            raise ValueError(
                f"physics values must name exactly the parameters {self.names}; "
                f"unknown: {unknown}, missing: {missing}"
            )
        out = {}
        for p, _, _, nominal, _ in self._plan:
            v = values[p.name]
            v = number(f"value of {p.name!r}", v)
            if not math.isfinite(v):
                raise ValueError(f"value of {p.name!r} must be finite, got {v}")
            _check_range(p, nominal, v, v)
            out[p.name] = v
        return out

    def restore(self, model: mujoco.MjModel, data: mujoco.MjData | None = None) -> None:
        """Write the nominal value back into every slot the parameters edit (and, given
        ``data``, recompute the derived constants)."""
        for _, attribute, index, nominal, inertia in self._plan:
            if index is None:
                _set_scalar(model, attribute, float(nominal[0]))
            else:
                _get(model, attribute)[index] = nominal
            if inertia is not None:
                model.body_inertia[index[0]] = inertia
        if data is not None and self.derived:
            mujoco.mj_setConst(model, data)

    def apply(self, model: mujoco.MjModel, data: mujoco.MjData, values: Mapping[str, float]):
        """Write ``values`` (a full, checked draw), each computed from the nominal model."""
        for p, attribute, index, nominal, inertia in self._plan:
            value = values[p.name]
            if p.field == "floor_tilt":
                g = float(np.linalg.norm(nominal))
                angle = math.radians(value)
                model.opt.gravity[:] = (-g * math.sin(angle), 0.0, -g * math.cos(angle))
                continue
            new = nominal * value if p.mode == SCALE else value
            if index is None:
                _set_scalar(
                    model, attribute, float(nominal[0] * value if p.mode == SCALE else value)
                )
                continue
            _get(model, attribute)[index] = new
            if inertia is not None:
                ratio = (new if p.mode == SCALE else np.full(len(nominal), value)) / nominal
                model.body_inertia[index[0]] = inertia * ratio[:, None]
        if self.derived:
            mujoco.mj_setConst(model, data)


def _check_range(p: Parameter, nominal: np.ndarray, low=None, high=None) -> None:
    """Raise unless every value ``p`` can write is physical for its field."""
    spec = FIELDS[p.field]
    low = p.distribution.low if low is None else low
    high = p.distribution.high if high is None else high
    if spec.minimum is None:
        return
    if p.mode == SCALE:
        if low < 0:
            raise ValueError(f"{p.name!r}: a scale must be >= 0, the distribution reaches {low}")
        smallest = float(np.min(nominal)) * low
    else:
        smallest = low
    ok = smallest >= spec.minimum if spec.minimum_allowed else smallest > spec.minimum
    if not ok or (p.field == "floor_tilt" and high > 89.0):
        bound = ">=" if spec.minimum_allowed else ">"
        limit = "in [-89, 89] degrees" if p.field == "floor_tilt" else f"{bound} {spec.minimum}"
        raise ValueError(
            f"{p.name!r}: {p.field} must be {limit}, but the values can reach {smallest:g}"
            f" (distribution {p.distribution}, mode {p.mode!r})"
        )
